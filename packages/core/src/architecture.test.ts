// The rules of dependency that keep the core a house with doors (docs/architecture.md): a folder
// is entered only through its index.ts, layers point one way, and no module imports itself back
// through others. These fail on any import that breaks them, so the structure cannot rot.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = dirname(fileURLToPath(import.meta.url));

/** Layers, bottom up: a module may import its own layer and those below. */
const layerOf = (unit: string): number => {
  if (["storage", "time", "events", "patterns"].includes(unit)) return 0;
  if (unit === "records") return 1;
  if (unit === "query") return 2;
  if (["crm.ts", "reactions.ts", "index.ts"].includes(unit)) return 4; // the facade
  if (unit.endsWith(".ts")) return 0; // the kernel's single modules: errors, environment, zod…
  return 3; // a domain
};

/**
 * The modules under the rules: every source but tests, test support, and the package's entries
 * (`index.ts` at the root and each folder's `public.ts` list what the package exports, from
 * wherever it is defined; they are not domain code).
 */
function sources(dir: string, withTesting = false): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory())
      return name === "testing" && !withTesting ? [] : sources(path, withTesting);
    const entry = name === "public.ts" || path === join(root, "index.ts");
    return name.endsWith(".ts") && !name.endsWith(".test.ts") && !entry ? [path] : [];
  });
}

/** The folder a module belongs to, or the module's own name at the root. */
const unitOf = (path: string) => relative(root, path).split("/")[0]!;

const edgesOf = (files: readonly string[]) =>
  files.map((file) => {
    const text = readFileSync(file, "utf8");
    const targets = [...text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)].map((match) =>
      normalize(join(dirname(file), match[1]!)).replace(/\.js$/, ".ts"),
    );
    return { file, targets: targets.filter((target) => target.startsWith(root)) };
  });
const edges = edgesOf(sources(root));
// Test support sits above the workspace (it builds whole workspaces), but it enters doors too.
const edgesWithTesting = edgesOf(sources(root, true));

describe("the core's structure", () => {
  it("enters another folder only through its index.ts", () => {
    const through = edgesWithTesting.flatMap(({ file, targets }) =>
      targets
        .filter((target) => {
          const unit = unitOf(target);
          return (
            unit !== unitOf(file) && !unit.endsWith(".ts") && !target.endsWith(`${unit}/index.ts`)
          );
        })
        .map((target) => `${relative(root, file)} → ${relative(root, target)}`),
    );
    expect(through).toEqual([]);
  });

  it("points layers one way: kernel, records, query, domains, the workspace", () => {
    const upward = edges.flatMap(({ file, targets }) =>
      targets
        .filter((target) => layerOf(unitOf(target)) > layerOf(unitOf(file)))
        .map((target) => `${relative(root, file)} → ${relative(root, target)}`),
    );
    expect(upward).toEqual([]);
  });

  it("has no import cycle, between modules or between folders", () => {
    const graph = new Map(edges.map(({ file, targets }) => [file, targets]));
    const folders = new Map<string, Set<string>>();
    for (const { file, targets } of edges)
      for (const target of targets)
        if (unitOf(target) !== unitOf(file))
          folders.set(unitOf(file), (folders.get(unitOf(file)) ?? new Set()).add(unitOf(target)));
    const cycleIn = (nodes: Map<string, Iterable<string>>): string[] => {
      const state = new Map<string, "open" | "done">();
      const path: string[] = [];
      const visit = (node: string): string[] => {
        if (state.get(node) === "done") return [];
        if (state.get(node) === "open") return [...path.slice(path.indexOf(node)), node];
        state.set(node, "open");
        path.push(node);
        for (const next of nodes.get(node) ?? []) {
          const found = visit(next);
          if (found.length > 0) return found;
        }
        path.pop();
        state.set(node, "done");
        return [];
      };
      for (const node of nodes.keys()) {
        const found = visit(node);
        if (found.length > 0) return found;
      }
      return [];
    };
    expect(cycleIn(graph).map((file) => relative(root, file))).toEqual([]);
    expect(cycleIn(folders)).toEqual([]);
  });

  it("keeps lead scoring away from the deal service: it hands off through a port", () => {
    const scoring = edges.filter(({ file }) => unitOf(file) === "scoring");
    expect(
      scoring.flatMap(({ targets }) => targets.filter((t) => unitOf(t) === "pipelines")),
    ).toEqual([]);
  });

  it("keeps each source file near 300 lines, or says at its top why it is longer", () => {
    const packages = join(root, "..", "..");
    const all = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) return name === "node_modules" ? [] : all(path);
        return name.endsWith(".ts") && !name.endsWith(".test.ts") ? [path] : [];
      });
    const files = readdirSync(packages).flatMap((name) => {
      const src = join(packages, name, "src");
      try {
        return statSync(src).isDirectory() ? all(src) : [];
      } catch {
        return [];
      }
    });
    const unexplained = files.filter((file) => {
      const text = readFileSync(file, "utf8");
      return text.split("\n").length > 320 && !text.startsWith("// Length: ");
    });
    expect(files.length).toBeGreaterThan(100);
    expect(unexplained.map((file) => relative(packages, file))).toEqual([]);
  });
});
