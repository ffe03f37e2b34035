import { spawn } from "node:child_process";

/** How a worker process ended, and what it wrote. */
export interface WorkerExit {
  readonly code: number | null;
  readonly signal: string | null;
  readonly out: string;
  readonly err: string;
}

/** Runs a TypeScript worker in its own Node process (sources through `@crmkit/source`). */
export function runWorker(file: string, args: readonly string[]): Promise<WorkerExit> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ["--conditions=@crmkit/source", "--import", "tsx", file, ...args],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    child.stderr.on("data", (chunk) => {
      err += chunk;
    });
    child.on("exit", (code, signal) => resolve({ code, signal, out, err }));
  });
}
