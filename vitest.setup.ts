import { afterEach } from "vitest";

const methods = ["log", "info", "warn", "error", "debug", "trace"] as const;
const written: string[] = [];

for (const method of methods) {
  console[method] = (...args: unknown[]) => {
    written.push(`console.${method}: ${args.map(String).join(" ")}`);
  };
}

afterEach(() => {
  if (written.length === 0) return;
  const lines = written.splice(0);
  throw new Error(`the code under test wrote to the console:\n${lines.join("\n")}`);
});
