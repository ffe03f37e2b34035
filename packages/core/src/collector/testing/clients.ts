// Raw-socket clients for the hostile-client test: each sends bytes exactly as written (no HTTP
// library would send most of them) and reports what came back, if anything, and whether the server
// closed the connection.
import { type ChildProcess, spawn } from "node:child_process";
import { connect } from "node:net";

/** What a raw exchange saw. */
export interface Exchange {
  /** The status of the first answer, or undefined when none came. */
  readonly status: number | undefined;
  /** Every status line received, in order (pipelined requests get several). */
  readonly statuses: readonly number[];
  /** The body of the first answer. */
  readonly body: string;
  /** Whether the server closed the connection before the client gave up. */
  readonly closedByServer: boolean;
}

/** A step of a client: bytes to send, a pause, or hanging up. */
export type Step = string | { readonly wait: number } | "hang up";

/** Plays `steps` against 127.0.0.1:`port`, then waits up to `patienceMs` for the server. */
export function exchange(
  port: number,
  steps: readonly Step[],
  patienceMs = 3_000,
): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let received = "";
    let closedByServer = false;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(patience);
      socket.destroy();
      const statuses = [...received.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));
      resolve({ status: statuses[0], statuses, body: firstBody(received), closedByServer });
    };
    let patience = setTimeout(finish, patienceMs + 10_000);
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      closedByServer = !done;
      finish();
    });
    socket.on("connect", async () => {
      for (const step of steps) {
        if (done) return;
        if (step === "hang up") return finish();
        if (typeof step === "string") socket.write(step, "latin1");
        else await new Promise((r) => setTimeout(r, step.wait));
      }
      clearTimeout(patience);
      patience = setTimeout(finish, patienceMs);
    });
  });
}

/** A child process running a server, with the port it printed. */
export interface Served {
  readonly child: ChildProcess;
  readonly port: number;
  /** Everything the child wrote to stderr (an uncaught error would show here). */
  readonly errors: () => string;
  readonly stop: () => Promise<void>;
}

/** Starts `node --import tsx <file>` (sources read through the `@crmkit/source` condition). */
export function serve(
  file: string,
  env: Record<string, string>,
  ready: RegExp,
  cwd: string,
): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--conditions=@crmkit/source", "--import", "tsx", file],
      { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    child.stderr.on("data", (chunk) => {
      err += String(chunk);
    });
    child.on("exit", (code) => reject(new Error(`the server exited (${code}): ${err}`)));
    child.stdout.on("data", (chunk) => {
      out += String(chunk);
      const match = ready.exec(out);
      if (match === null) return;
      resolve({
        child,
        port: Number(match[1]),
        errors: () => err,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once("exit", () => done());
            child.kill();
          }),
      });
    });
  });
}

/** The body of the first response in `raw`, de-chunked when it was sent chunked. */
function firstBody(raw: string): string {
  const end = raw.indexOf("\r\n\r\n");
  if (end < 0) return "";
  const head = raw.slice(0, end).toLowerCase();
  const rest = raw.slice(end + 4);
  if (!head.includes("transfer-encoding: chunked")) {
    const length = /content-length: (\d+)/.exec(head);
    return length === null ? rest : rest.slice(0, Number(length[1]));
  }
  let body = "";
  let at = 0;
  for (;;) {
    const lineEnd = rest.indexOf("\r\n", at);
    if (lineEnd < 0) return body;
    const size = Number.parseInt(rest.slice(at, lineEnd), 16);
    if (!(size > 0)) return body;
    body += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
}
