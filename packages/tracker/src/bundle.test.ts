// The built artefacts as shipped: the script-tag build's byte limit, and nothing of the core in
// either build (the tracker depends on nothing).
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import manifest from "../package.json" with { type: "json" };

const read = (file: string) => {
  try {
    return readFileSync(new URL(`../dist/${file}`, import.meta.url), "utf8");
  } catch {
    throw new Error(`dist/${file} is missing: run \`pnpm build\` before the tests.`);
  }
};

describe("the builds", () => {
  it("keeps the script-tag build under its gzip limit", () => {
    const gzip = gzipSync(read("crmkit.js"), { level: 9 }).length;
    expect(gzip).toBeLessThanOrEqual(manifest.crmkit.gzipLimit);
  });

  it.each(["crmkit.js", "index.js"])("%s holds none of the core's code and no eval", (file) => {
    const code = read(file);
    for (const marker of ["zod", "ZodError", "date-fns", "@crmkit/core", "nanoid", "CrmkitError"])
      expect(code).not.toContain(marker);
    expect(code).not.toMatch(/\beval\(|new Function\b|\bimport\(/);
    expect(code).not.toMatch(/^import /m);
  });

  it("has no runtime dependency", () => {
    expect(manifest).not.toHaveProperty("dependencies");
    expect(manifest).not.toHaveProperty("peerDependencies");
  });
});
