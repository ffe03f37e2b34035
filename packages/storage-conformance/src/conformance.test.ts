import type {
  Page,
  QueryOptions,
  StorageAdapter,
  StorageSchema,
  StoredRecord,
} from "@crmkit/core/storage";
import { describe, expect, it } from "vitest";
import type { CaseContext } from "./case.js";
import { conformanceCases } from "./cases.js";
import { conformanceSchema } from "./fixtures.js";
import { createReferenceStorage } from "./reference-storage.js";
import { runStorageConformance } from "./runner.js";

// The reference model must itself pass the suite it anchors.
runStorageConformance({
  name: "reference",
  open: async (schema) => createReferenceStorage(schema),
  propertyRuns: 30,
});

type Breakage = (inner: StorageAdapter) => StorageAdapter;

/** Forwards everything to `inner` except what `overrides` replaces. */
function wrap(inner: StorageAdapter, overrides: Partial<StorageAdapter>): StorageAdapter {
  return {
    name: `broken-${inner.name}`,
    schema: inner.schema,
    capabilities: inner.capabilities,
    get: (collection, id) => inner.get(collection, id),
    getMany: (collection, ids) => inner.getMany(collection, ids),
    query: (options) => inner.query(options),
    count: (selection) => inner.count(selection),
    scan: (options) => inner.scan(options),
    write: (operations) => inner.write(operations),
    clear: (collection) => inner.clear(collection),
    close: () => inner.close(),
    closed: inner.closed,
    ...overrides,
  };
}

const breakages: Record<string, { breakage: Breakage; failingCases: string[] }> = {
  "applies half a batch (one operation at a time)": {
    breakage: (inner) =>
      wrap(inner, {
        async write(operations) {
          const outcomes = [];
          for (const operation of operations) outcomes.push(...(await inner.write([operation])));
          return outcomes;
        },
      }),
    failingCases: ["atomic-batch", "model-based"],
  },
  "loses updates (ignores expected revisions)": {
    breakage: (inner) =>
      wrap(inner, {
        write: (operations) =>
          inner.write(operations.map(({ expectedRevision: _ignored, ...operation }) => operation)),
      }),
    failingCases: ["no-lost-update", "revisions", "model-based"],
  },
  "shares records with callers": {
    breakage: (inner) => {
      const handedOut = new Map<string, StoredRecord>();
      return wrap(inner, {
        async get(collection, id) {
          const key = `${collection}/${id}`;
          const cached = handedOut.get(key) ?? (await inner.get(collection, id));
          if (cached) handedOut.set(key, cached);
          return cached;
        },
      });
    },
    failingCases: ["copy-semantics"],
  },
  "paginates by offset": {
    breakage: (inner) =>
      wrap(inner, {
        async query(options: QueryOptions): Promise<Page> {
          const { cursor, limit, ...rest } = options;
          const all = (await inner.query(rest)).records;
          const offset = cursor ? Number(cursor) : 0;
          const end = limit === undefined ? all.length : offset + limit;
          return { records: all.slice(offset, end), cursor: end < all.length ? String(end) : null };
        },
      }),
    failingCases: ["pagination-concurrent-inserts"],
  },
  "forgets to drop stale index entries": {
    breakage: (inner) => {
      const stale = new Map<string, StoredRecord>();
      return wrap(inner, {
        async write(operations) {
          for (const operation of operations) {
            if (operation.type === "put" && !stale.has(operation.record.id)) {
              const previous = await inner.get(operation.collection, operation.record.id);
              if (previous) stale.set(previous.id, previous);
            }
          }
          return inner.write(operations);
        },
        async query(options) {
          const page = await inner.query(options);
          if (options.index !== "status") return page;
          const ghosts = [...stale.values()].filter(
            (record) => record.status === options.where?.eq,
          );
          return { ...page, records: [...page.records, ...ghosts] };
        },
      });
    },
    failingCases: ["index-queries"],
  },
};

describe("the conformance suite", () => {
  for (const [what, { breakage, failingCases }] of Object.entries(breakages)) {
    for (const caseId of failingCases) {
      it(`fails [${caseId}] against an adapter that ${what}`, async () => {
        const conformanceCase = conformanceCases.find((candidate) => candidate.id === caseId)!;
        const opened: StorageAdapter[] = [];
        const context: CaseContext = {
          async open() {
            const store = breakage(createReferenceStorage(conformanceSchema as StorageSchema));
            opened.push(store);
            return store;
          },
          reopen: async () => {
            throw new Error("not persistent");
          },
          propertyRuns: 200,
        };
        await expect(conformanceCase.run(context)).rejects.toThrow();
        for (const store of opened) await store.close();
      }, 60_000);
    }
  }

  it("has a unique id for every case", () => {
    const ids = conformanceCases.map((conformanceCase) => conformanceCase.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
