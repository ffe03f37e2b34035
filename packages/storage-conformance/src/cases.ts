// Length: the storage contract as one list of cases, read top to bottom by whoever writes an
// adapter; each case is its own short block.
import { CrmkitError, type CrmkitErrorCode } from "@crmkit/core";
import type {
  QueryOptions,
  StorageAdapter,
  StoredRecord,
  WriteOperation,
} from "@crmkit/core/storage";
import { expect } from "vitest";
import type { ConformanceCase } from "./case.js";
import { conditionsCase } from "./conditions.js";
import { makeContacts, sampleRanges } from "./fixtures.js";
import { modelBasedCase } from "./model-based.js";
import { createReferenceStorage } from "./reference-storage.js";

const put = (
  record: StoredRecord | (Record<string, unknown> & { id: string }),
  expectedRevision?: number,
): WriteOperation => ({
  type: "put",
  collection: "contacts",
  record,
  ...(expectedRevision === undefined ? {} : { expectedRevision }),
});

async function rejectsWith(promise: Promise<unknown>, code: CrmkitErrorCode): Promise<CrmkitError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `expected the call to fail with ${code}`).toBeDefined();
  expect(CrmkitError.is(error), `expected a CrmkitError, got ${String(error)}`).toBe(true);
  expect((error as CrmkitError).code).toBe(code);
  return error as CrmkitError;
}

async function readAll(store: StorageAdapter, options: QueryOptions): Promise<StoredRecord[]> {
  const records: StoredRecord[] = [];
  let cursor: string | null = null;
  do {
    const page: { records: StoredRecord[]; cursor: string | null } = await store.query({
      ...options,
      cursor,
    });
    records.push(...page.records);
    cursor = page.cursor;
  } while (cursor !== null);
  return records;
}

async function load(
  store: StorageAdapter,
  count: number,
  seed = 7,
): Promise<ReturnType<typeof makeContacts>> {
  const records = makeContacts(count, seed);
  await store.write(records.map((record) => put(record)));
  return records;
}

/** Every case of the suite, in the order it runs. */
export const conformanceCases: readonly ConformanceCase[] = [
  {
    id: "get-missing",
    title: "returns null for records that do not exist",
    async run({ open }) {
      const store = await open();
      expect(await store.get("contacts", "nobody")).toBeNull();
      await store.write([put({ id: "a", name: "A" })]);
      const many = await store.getMany("contacts", ["a", "nobody", "a"]);
      expect(many.map((record) => record?.id ?? null)).toEqual(["a", null, "a"]);
    },
  },
  {
    id: "round-trip",
    title: "stores and returns JSON records unchanged, with an id and a revision",
    async run({ open }) {
      const store = await open();
      const record = {
        id: "ü/1 ?#",
        name: "Zoë \u{1F600}",
        nested: { list: [1, "two", null, { deep: [true, false] }], empty: {} },
        number: -0.5,
        big: 2 ** 53 - 1,
        dropped: undefined,
        revision: 99,
      };
      const [outcome] = await store.write([put(record)]);
      expect(outcome).toEqual({ collection: "contacts", id: "ü/1 ?#", revision: 1 });
      const { dropped: _dropped, ...expected } = { ...record, revision: 1 };
      expect(await store.get("contacts", record.id)).toEqual(expected);
    },
  },
  {
    id: "copy-semantics",
    title:
      "never lets a caller change stored data: inputs are copied in, results are the caller's copies or deeply frozen snapshots",
    async run({ open }) {
      const store = await open();
      const input = { id: "a", status: "prospect", tags: ["gold"], profile: { city: "Lyon" } };
      await store.write([put(input)]);
      input.tags.push("silver");
      input.profile.city = "Paris";
      const first = (await store.get("contacts", "a"))!;
      const again = (await store.get("contacts", "a"))!;
      expect(first.tags).toEqual(["gold"]);
      // A result is either frozen all the way down (and may be shared), or a copy of its own.
      if (Object.isFrozen(first)) {
        expect(Object.isFrozen(first.tags) && Object.isFrozen(first.profile)).toBe(true);
      } else {
        expect(first).not.toBe(again);
        expect(first.tags).not.toBe(again.tags);
      }
      // Whatever a caller tries on a result: refused (frozen) or confined to its copy.
      const attempt = (change: () => void) => {
        try {
          change();
        } catch (error) {
          if (!(error instanceof TypeError)) throw error;
        }
      };
      attempt(() => (first.tags as string[]).push("mutated"));
      attempt(() => {
        (first.profile as { city: string }).city = "mutated";
      });
      attempt(() => {
        // Typed read-only; a caller who casts that away still cannot change the stored record.
        (first as unknown as { status: string }).status = "mutated";
      });
      const [fromMany] = await store.getMany("contacts", ["a"]);
      attempt(() => (fromMany!.tags as string[]).push("mutated"));
      const fromQuery = (
        await store.query({ collection: "contacts", index: "status", where: { eq: "prospect" } })
      ).records[0]!;
      attempt(() => (fromQuery.tags as string[]).push("mutated"));
      for await (const batch of store.scan({ collection: "contacts" }))
        attempt(() => (batch[0]!.tags as string[]).push("mutated"));
      expect(await store.get("contacts", "a")).toEqual({
        id: "a",
        revision: 1,
        status: "prospect",
        tags: ["gold"],
        profile: { city: "Lyon" },
      });
      expect(
        await store.count({ collection: "contacts", index: "tags", where: { eq: "silver" } }),
      ).toBe(0);
      expect(
        await store.count({ collection: "contacts", index: "status", where: { eq: "mutated" } }),
      ).toBe(0);
    },
  },
  {
    id: "revisions",
    title: "increments revisions and enforces expected revisions on puts and deletes",
    async run({ open }) {
      const store = await open();
      expect((await store.write([put({ id: "a" }, 0)]))[0]!.revision).toBe(1);
      const conflict = await rejectsWith(store.write([put({ id: "a" }, 0)]), "REVISION_CONFLICT");
      expect(conflict.details).toMatchObject({
        collection: "contacts",
        id: "a",
        expectedRevision: 0,
        actualRevision: 1,
        opIndex: 0,
      });
      expect((await store.write([put({ id: "a", v: 2 }, 1)]))[0]!.revision).toBe(2);
      expect((await store.write([put({ id: "a", v: 3 })]))[0]!.revision).toBe(3);
      // A run of creations with an existing record in the middle fails at that operation, whole.
      const inRun = await rejectsWith(
        store.write([put({ id: "b" }, 0), put({ id: "a" }, 0), put({ id: "c" }, 0)]),
        "REVISION_CONFLICT",
      );
      expect(inRun.details).toMatchObject({ id: "a", actualRevision: 3, opIndex: 1 });
      expect(await store.getMany("contacts", ["b", "c"])).toEqual([null, null]);
      await rejectsWith(
        store.write([{ type: "delete", collection: "contacts", id: "a", expectedRevision: 2 }]),
        "REVISION_CONFLICT",
      );
      await rejectsWith(store.write([put({ id: "missing" }, 4)]), "REVISION_CONFLICT");
      expect(
        await store.write([
          { type: "delete", collection: "contacts", id: "a", expectedRevision: 3 },
        ]),
      ).toEqual([{ collection: "contacts", id: "a", revision: null }]);
      expect(await store.get("contacts", "a")).toBeNull();
      // Deleting what is not there is fine, and a new record starts again at revision 1.
      await store.write([{ type: "delete", collection: "contacts", id: "a" }]);
      expect((await store.write([put({ id: "a" })]))[0]!.revision).toBe(1);
    },
  },
  {
    id: "atomic-batch",
    title: "applies a batch entirely or not at all, across collections",
    async run({ open }) {
      const store = await open();
      await store.write([put({ id: "kept", email: "kept@example.com", status: "customer" })]);
      const before = await store.get("contacts", "kept");
      const attempts: [WriteOperation[], CrmkitErrorCode][] = [
        [
          [
            put({ id: "n1", status: "prospect" }),
            { type: "put", collection: "accounts", record: { id: "acc", country: "FR" } },
            put({ id: "kept", status: "lost" }),
            put({ id: "n2" }, 5),
          ],
          "REVISION_CONFLICT",
        ],
        [
          [
            put({ id: "n1", status: "prospect" }),
            { type: "delete", collection: "contacts", id: "kept" },
            put({ id: "n2", email: "x@example.com" }),
            put({ id: "n3", email: "x@example.com" }),
          ],
          "UNIQUE_VIOLATION",
        ],
        [
          [
            put({ id: "n1", status: "prospect" }),
            put({ id: "kept", status: "lost" }),
            put({ id: "n2", when: new Date(0) }),
          ],
          "VALIDATION_FAILED",
        ],
        [
          [put({ id: "n1" }), { type: "put", collection: "nowhere", record: { id: "x" } }],
          "VALIDATION_FAILED",
        ],
      ];
      for (const [operations, code] of attempts) {
        await rejectsWith(store.write(operations), code);
        expect(await store.getMany("contacts", ["n1", "n2", "n3"])).toEqual([null, null, null]);
        expect(await store.get("accounts", "acc")).toBeNull();
        expect(await store.get("contacts", "kept")).toEqual(before);
        expect(await store.count({ collection: "contacts" })).toBe(1);
        expect(
          await store.count({ collection: "contacts", index: "status", where: { eq: "prospect" } }),
        ).toBe(0);
        expect(
          await store.count({ collection: "contacts", index: "status", where: { eq: "customer" } }),
        ).toBe(1);
      }
    },
  },
  {
    id: "text-rules",
    title:
      "refuses lone surrogates, U+0000 and over-long indexed strings with VALIDATION_FAILED and a path, writing nothing, and keeps everything else",
    async run({ open }) {
      const store = await open();
      const refused: [WriteOperation[], (string | number)[]][] = [
        [[put({ id: "a", name: "Bob\ud800" })], [0, "record", "name"]],
        [
          [put({ id: "a" }), put({ id: "b", profile: { city: "x\u0000y" } })],
          [1, "record", "profile", "city"],
        ],
        [[put({ id: "a", tags: ["ok", "\udfff"] })], [0, "record", "tags", 1]],
        [[put({ id: "a", profile: { "k\ud83d": 1 } })], [0, "record", "profile", "k\ud83d"]],
        [[put({ id: "a", status: "s".repeat(513) })], [0, "record", "status"]],
      ];
      for (const [operations, path] of refused) {
        const error = await rejectsWith(store.write(operations), "VALIDATION_FAILED");
        expect(error.details.path).toEqual(path);
        expect(await store.count({ collection: "contacts" })).toBe(0);
      }
      await rejectsWith(store.write([put({ id: "id\ud800" })]), "VALIDATION_FAILED");
      // Pairs, other control characters and exactly 512 indexed characters are ordinary text.
      const kept = {
        id: "\u{1F600}".repeat(256),
        name: "Zoë \u{1F600} \u0001\u001f\uFFFF",
        status: "s".repeat(512),
      };
      await store.write([put(kept)]);
      expect(await store.get("contacts", kept.id)).toEqual({ ...kept, revision: 1 });
      expect(
        await store.count({ collection: "contacts", index: "status", where: { eq: kept.status } }),
      ).toBe(1);
    },
  },
  {
    id: "no-lost-update",
    title: "lets exactly one of two writers holding the same revision win",
    async run({ open }) {
      const store = await open();
      await store.write([put({ id: "deal", value: 0 })]);
      for (let round = 0; round < 10; round++) {
        const [a, b] = await Promise.all([
          store.get("contacts", "deal"),
          store.get("contacts", "deal"),
        ]);
        const results = await Promise.allSettled([
          store.write([put({ ...a!, value: `a${round}` }, a!.revision)]),
          store.write([put({ ...b!, value: `b${round}` }, b!.revision)]),
        ]);
        const won = results.filter((result) => result.status === "fulfilled");
        const lost = results.filter((result) => result.status === "rejected");
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect(CrmkitError.is((lost[0] as PromiseRejectedResult).reason, "REVISION_CONFLICT")).toBe(
          true,
        );
        const winner = results[0]!.status === "fulfilled" ? `a${round}` : `b${round}`;
        const stored = await store.get("contacts", "deal");
        expect(stored).toMatchObject({ value: winner, revision: round + 2 });
      }
      // Ten writers that retry on conflict: every increment survives.
      const increment = async (): Promise<void> => {
        for (;;) {
          const current = (await store.get("contacts", "deal"))!;
          try {
            await store.write([
              put(
                { ...current, count: ((current.count as number | undefined) ?? 0) + 1 },
                current.revision,
              ),
            ]);
            return;
          } catch (error) {
            if (!CrmkitError.is(error, "REVISION_CONFLICT")) throw error;
          }
        }
      };
      await Promise.all(Array.from({ length: 10 }, increment));
      expect((await store.get("contacts", "deal"))!.count).toBe(10);
    },
  },
  {
    id: "unique-violation",
    title: "enforces unique indexes, in order within a batch",
    async run({ open }) {
      const store = await open();
      await store.write([
        put({ id: "a", email: "a@example.com" }),
        put({ id: "b", email: "b@example.com" }),
      ]);
      const error = await rejectsWith(
        store.write([put({ id: "c", email: "a@example.com" })]),
        "UNIQUE_VIOLATION",
      );
      expect(error.details).toMatchObject({
        collection: "contacts",
        index: "email",
        id: "c",
        opIndex: 0,
      });
      // A record keeps its own key when rewritten.
      await store.write([put({ id: "a", email: "a@example.com", name: "A" })]);
      // Swapping keys fails when the first put takes a key still held...
      await rejectsWith(
        store.write([
          put({ id: "a", email: "b@example.com" }),
          put({ id: "b", email: "a@example.com" }),
        ]),
        "UNIQUE_VIOLATION",
      );
      // ...and works when the batch frees it first.
      await store.write([
        put({ id: "a", email: "tmp@example.com" }),
        put({ id: "b", email: "a@example.com" }),
        put({ id: "a", email: "b@example.com" }),
      ]);
      expect(
        (
          await store.query({
            collection: "contacts",
            index: "email",
            where: { eq: "a@example.com" },
          })
        ).records.map((r) => r.id),
      ).toEqual(["b"]);
      // A deleted record frees its key; records without the field are not constrained.
      await store.write([
        { type: "delete", collection: "contacts", id: "b" },
        put({ id: "d", email: "a@example.com" }),
        put({ id: "e" }),
        put({ id: "f" }),
      ]);
      expect(await store.count({ collection: "contacts", index: "email" })).toBe(2);
    },
  },
  {
    id: "index-queries",
    title: "answers every index query exactly as a brute-force filter of the same data",
    async run({ open }) {
      const store = await open();
      const reference = createReferenceStorage(store.schema);
      const records = makeContacts(400, 11);
      const operations = records.map((record) => put(record));
      await store.write(operations);
      await reference.write(operations);
      // Rewrite and delete some, so indexes must have dropped stale entries.
      const changes: WriteOperation[] = [
        ...records.slice(0, 60).map((record, i) =>
          put({
            ...record,
            status: i % 2 ? "customer" : 7,
            tags: ["gold", "Été"],
            scores: { global: i },
          }),
        ),
        ...records
          .slice(60, 90)
          .map(
            (record): WriteOperation => ({ type: "delete", collection: "contacts", id: record.id }),
          ),
      ];
      await store.write(changes);
      await reference.write(changes);
      const selections: QueryOptions[] = [
        { collection: "contacts" },
        { collection: "contacts", where: { gte: "c000100", lt: "c000200" } },
      ];
      for (const [index, ranges] of Object.entries(sampleRanges)) {
        for (const where of ranges)
          selections.push({ collection: "contacts", index, ...(where ? { where } : {}) });
      }
      for (const selection of selections) {
        const expectedCount = await reference.count(selection);
        expect(await store.count(selection), `count ${JSON.stringify(selection)}`).toBe(
          expectedCount,
        );
        for (const order of ["asc", "desc"] as const) {
          const expected = await reference.query({ ...selection, order });
          const actual = await store.query({ ...selection, order });
          expect(
            actual.records.map((r) => r.id),
            `${order} ${JSON.stringify(selection)}`,
          ).toEqual(expected.records.map((r) => r.id));
          expect(actual.records).toEqual(expected.records);
          expect(actual.cursor).toBeNull();
          expect(expected.records).toHaveLength(expectedCount);
          const limited = await store.query({ ...selection, order, limit: 5 });
          expect(limited.records.map((r) => r.id)).toEqual(
            expected.records.slice(0, 5).map((r) => r.id),
          );
          expect(limited.cursor === null).toBe(expectedCount <= 5);
        }
      }
    },
  },
  {
    id: "pagination",
    title: "returns every record exactly once across pages, in both orders",
    async run({ open }) {
      const store = await open();
      await load(store, 250);
      for (const index of [undefined, "status", "score", "tags", "rank"]) {
        for (const order of ["asc", "desc"] as const) {
          const selection: QueryOptions = {
            collection: "contacts",
            order,
            ...(index ? { index } : {}),
          };
          const whole = await store.query(selection);
          const paged = await readAll(store, { ...selection, limit: 7 });
          expect(paged.map((r) => r.id)).toEqual(whole.records.map((r) => r.id));
          expect(new Set(paged.map((r) => r.id)).size).toBe(paged.length);
        }
      }
      // A cursor only continues the query it came from.
      const page = await store.query({ collection: "contacts", index: "status", limit: 3 });
      await rejectsWith(
        store.query({ collection: "contacts", index: "score", limit: 3, cursor: page.cursor }),
        "VALIDATION_FAILED",
      );
      await rejectsWith(
        store.query({
          collection: "contacts",
          index: "status",
          order: "desc",
          cursor: page.cursor,
        }),
        "VALIDATION_FAILED",
      );
      await rejectsWith(
        store.query({ collection: "contacts", cursor: "not a cursor" }),
        "VALIDATION_FAILED",
      );
    },
  },
  {
    id: "pagination-concurrent-inserts",
    title:
      "returns each pre-existing record exactly once while records are inserted and updated between pages",
    async run({ open }) {
      const store = await open();
      const existing = await load(store, 150, 3);
      // Every index layout in at least one direction, and the multi-entry index in both.
      const walks = [
        [undefined, "asc"],
        ["status", "desc"],
        ["score", "asc"],
        ["tags", "asc"],
        ["tags", "desc"],
      ] as const;
      for (const [index, order] of walks) {
        const seen: string[] = [];
        let cursor: string | null = null;
        let round = 0;
        do {
          const page: { records: StoredRecord[]; cursor: string | null } = await store.query({
            collection: "contacts",
            order,
            limit: 9,
            cursor,
            ...(index ? { index } : {}),
          });
          seen.push(...page.records.map((r) => r.id));
          cursor = page.cursor;
          round++;
          // New records land before and after the cursor; existing ones change unindexed fields.
          const inserted = makeContacts(4, 1000 + round, `n${index ?? "id"}${order}${round}-`);
          const touched = existing
            .slice(round * 3, round * 3 + 3)
            .map((record) => put({ ...record, note: `round ${round}` }));
          await store.write([
            ...inserted.map((record) => put({ ...record, email: undefined })),
            ...touched,
          ]);
        } while (cursor !== null);
        const fromBefore = seen.filter((id) => id.startsWith("c"));
        const expected = new Set(
          (await store.query({ collection: "contacts", ...(index ? { index } : {}) })).records
            .map((r) => r.id)
            .filter((id) => id.startsWith("c")),
        );
        expect(fromBefore.length, `${index} ${order}`).toBe(new Set(fromBefore).size);
        expect(new Set(fromBefore)).toEqual(expected);
      }
    },
  },
  {
    id: "scan",
    title: "streams every selected record once, in bounded batches",
    async run({ open }) {
      const store = await open();
      const records = await load(store, 500);
      const ids: string[] = [];
      for await (const batch of store.scan({ collection: "contacts", batchSize: 37 })) {
        expect(batch.length).toBeGreaterThan(0);
        expect(batch.length).toBeLessThanOrEqual(37);
        ids.push(...batch.map((record) => record.id));
      }
      expect(ids).toEqual(records.map((record) => record.id).sort());
      let gold = 0;
      for await (const batch of store.scan({
        collection: "contacts",
        index: "tags",
        where: { eq: "gold" },
        batchSize: 10,
      })) {
        gold += batch.length;
        for (const record of batch) expect(record.tags).toContain("gold");
      }
      expect(gold).toBe(
        await store.count({ collection: "contacts", index: "tags", where: { eq: "gold" } }),
      );
      const empty = [];
      for await (const batch of store.scan({ collection: "accounts" })) empty.push(batch);
      expect(empty).toEqual([]);
    },
  },
  {
    id: "bulk-write",
    title: "writes 10,000 records in one batch",
    async run({ open }) {
      const store = await open();
      const records = makeContacts(10_000, 5);
      const outcomes = await store.write(records.map((record) => put(record, 0)));
      expect(outcomes).toHaveLength(10_000);
      expect(outcomes.every((outcome) => outcome.revision === 1)).toBe(true);
      expect(await store.count({ collection: "contacts" })).toBe(10_000);
      const withEmail = records.filter((record) => typeof record.email === "string").length;
      expect(await store.count({ collection: "contacts", index: "email" })).toBe(withEmail);
      expect((await store.get("contacts", records[9_999]!.id))?.name).toBe(records[9_999]!.name);
    },
  },
  {
    id: "validation",
    title: "rejects malformed input with VALIDATION_FAILED and the path of the bad field",
    async run({ open }) {
      const store = await open();
      const cases: [Promise<unknown>, readonly (string | number)[]][] = [
        [
          store.write([
            put({ id: "a" }),
            { type: "put", collection: "nowhere", record: { id: "b" } },
          ]),
          [1, "collection"],
        ],
        [
          store.write([put({ id: "a", profile: { scores: [1, Number.NaN] } })]),
          [0, "record", "profile", "scores", 1],
        ],
        [store.write([put({ id: "a", callback: () => 1 })]), [0, "record", "callback"]],
        [store.write([put({ id: "" })]), [0, "record", "id"]],
        [store.write([put({ id: "a" }, -1)]), [0, "expectedRevision"]],
        [store.get("nowhere", "a"), ["collection"]],
        [store.query({ collection: "contacts", index: "missing" }), ["index"]],
        [
          store.query({ collection: "contacts", index: "score", where: { gt: 1, lt: "z" } }),
          ["where", "lt"],
        ],
        [
          store.query({ collection: "contacts", index: "score", where: { eq: 1, lt: 2 } }),
          ["where", "eq"],
        ],
        [store.query({ collection: "contacts", limit: 0 }), ["limit"]],
      ];
      for (const [promise, path] of cases) {
        const error = await rejectsWith(promise, "VALIDATION_FAILED");
        expect(error.details.path).toEqual(path);
      }
      expect(await store.count({ collection: "contacts" })).toBe(0);
    },
  },
  {
    id: "clear",
    title: "clears one collection or all, indexes included",
    async run({ open }) {
      const store = await open();
      await load(store, 50);
      await store.write([
        { type: "put", collection: "accounts", record: { id: "acc", country: "FR" } },
      ]);
      await store.clear("contacts");
      expect(await store.count({ collection: "contacts" })).toBe(0);
      expect(await store.count({ collection: "contacts", index: "status" })).toBe(0);
      expect(await store.count({ collection: "accounts" })).toBe(1);
      // Unique keys of cleared records are free again.
      await load(store, 50);
      await store.clear();
      expect(await store.count({ collection: "accounts" })).toBe(0);
    },
  },
  {
    id: "closed",
    title: "throws STORAGE_CLOSED after close, and settles `closed` with the host as the cause",
    async run({ open }) {
      const store = await open();
      let settled: unknown;
      void store.closed.then((closed) => {
        settled = closed;
      });
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(settled).toBeUndefined();
      await store.close();
      expect(await store.closed).toEqual({ reason: expect.any(String), byHost: true });
      await rejectsWith(store.get("contacts", "a"), "STORAGE_CLOSED");
      await rejectsWith(store.write([put({ id: "a" })]), "STORAGE_CLOSED");
      await rejectsWith(store.query({ collection: "contacts" }), "STORAGE_CLOSED");
    },
  },
  {
    id: "change-notifications",
    title: "reports committed batches to watchers, and nothing for failed ones",
    requires: "changeNotifications",
    async run({ open }) {
      const store = await open();
      const seen: unknown[] = [];
      const stop = store.watch!((batch) => seen.push(batch));
      await store.write([put({ id: "a" }), { type: "delete", collection: "contacts", id: "b" }]);
      await rejectsWith(store.write([put({ id: "c" }), put({ id: "a" }, 9)]), "REVISION_CONFLICT");
      stop();
      await store.write([put({ id: "d" })]);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(seen).toEqual([
        {
          origin: "local",
          changes: [
            { collection: "contacts", id: "a", revision: 1 },
            { collection: "contacts", id: "b", revision: null },
          ],
        },
      ]);
    },
  },
  {
    id: "reopen",
    title: "keeps records, revisions and indexes across close and reopen",
    requires: "persistent",
    async run({ open, reopen }) {
      const first = await open();
      const records = await load(first, 300);
      await first.write([put({ id: records[0]!.id, status: "customer" })]);
      const expected = await first.query({
        collection: "contacts",
        index: "status",
        where: { eq: "customer" },
      });
      const second = await reopen(first);
      expect(await second.count({ collection: "contacts" })).toBe(300);
      expect((await second.get("contacts", records[0]!.id))?.revision).toBe(2);
      expect(
        await second.query({ collection: "contacts", index: "status", where: { eq: "customer" } }),
      ).toEqual(expected);
      const taken = records.find((record) => typeof record.email === "string")!.email;
      await rejectsWith(second.write([put({ id: "dup", email: taken })]), "UNIQUE_VIOLATION");
    },
  },
  modelBasedCase,
  conditionsCase,
];
