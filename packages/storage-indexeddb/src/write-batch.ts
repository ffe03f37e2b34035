import {
  type PreparedOperation,
  type PreparedPut,
  revisionConflict,
  revisionMatches,
  uniqueViolation,
  type WriteOutcome,
} from "@crmkit/core/storage";
import { adapterName, toCrmkitError } from "./errors.js";
import { toStoredValue } from "./layout.js";

interface RequestFailure {
  readonly operation: PreparedOperation;
  readonly error: DOMException | null;
  /** Whether the failed request was an `add` (a create that read nothing first). */
  readonly added: boolean;
}

/**
 * Applies a prepared batch in one readwrite transaction. Nothing but requests of that transaction
 * is awaited, so IndexedDB cannot commit it half-way; any failure aborts it whole.
 *
 * The stored revision is read only where it is unknown and needed: a put that expects revision 0
 * (a create) becomes an `add` with no read, which is what makes bulk imports as fast as a plain put
 * loop. Requests are issued without waiting for each other (IndexedDB runs them in order).
 */
export async function writeBatch(
  db: IDBDatabase,
  operations: readonly PreparedOperation[],
): Promise<WriteOutcome[]> {
  const storeNames = [...new Set(operations.map((operation) => operation.collection.name))];
  const transaction = db.transaction(storeNames, "readwrite");
  const done = settled(transaction);
  const stores = new Map(storeNames.map((name) => [name, transaction.objectStore(name)]));
  try {
    const revisions = await readRevisions(stores, operations);
    let failure: RequestFailure | undefined;
    let conflict: Error | undefined;
    const outcomes: WriteOutcome[] = [];
    for (const operation of operations) {
      const slot = slotOf(operation);
      const known = revisions.get(slot);
      const store = stores.get(operation.collection.name)!;
      if (known !== undefined && !revisionMatches(operation, known)) {
        conflict = revisionConflict(operation, known, adapterName);
        break;
      }
      if (operation.type === "delete") {
        store.delete(operation.id);
        revisions.set(slot, 0);
        outcomes.push({ collection: operation.collection.name, id: operation.id, revision: null });
        continue;
      }
      const revision = (known ?? 0) + 1;
      operation.record.revision = revision;
      const value = toStoredValue(operation.record, operation.keys, operation.collection.indexes);
      const request = known === undefined ? store.add(value) : store.put(value);
      request.onerror = () => {
        failure ??= { operation, error: request.error, added: known === undefined };
      };
      revisions.set(slot, revision);
      outcomes.push({ collection: operation.collection.name, id: operation.id, revision });
    }
    if (conflict) {
      // An earlier request of the batch may still fail (a unique key, an existing record): that
      // failure came first. A read queued behind them tells, since requests run in order.
      await queuedBehind(stores.values().next().value!);
      if (!failure) throw conflict;
    }
    const error = await done;
    if (error === undefined) return outcomes;
    if (failure?.error?.name === "ConstraintError")
      throw await explainConstraint(db, failure, operations);
    throw toCrmkitError(error, "writing a batch");
  } catch (error) {
    abortQuietly(transaction);
    throw toCrmkitError(error, "writing a batch");
  }
}

/** Resolves once every request issued before it on the transaction has finished (or failed). */
function queuedBehind(store: IDBObjectStore): Promise<void> {
  return new Promise((resolve) => {
    // No record has the empty id, so this read is a cheap miss.
    const sentinel = store.getKey("");
    sentinel.onsuccess = () => resolve();
    sentinel.onerror = () => resolve();
  });
}

function slotOf(operation: PreparedOperation): string {
  return `${operation.collection.name}\u0000${operation.id}`;
}

/**
 * Reads the stored revision of every record whose revision the batch needs: all but creates
 * (puts expecting revision 0) and records an earlier operation of the batch already wrote.
 * Returns slot → revision (0 when absent).
 *
 * Many records of one collection (a bulk upsert) first get one key-only read over their id range:
 * the records it does not list are absent (revision 0) and are not read at all, so upserting new
 * records costs what creating them does. When the range holds many other records, each is read.
 */
function readRevisions(
  stores: Map<string, IDBObjectStore>,
  operations: readonly PreparedOperation[],
): Promise<Map<string, number>> {
  const revisions = new Map<string, number>();
  const seen = new Set<string>();
  const toRead = new Map<string, PreparedOperation[]>();
  for (const operation of operations) {
    const slot = slotOf(operation);
    if (seen.has(slot)) continue;
    seen.add(slot);
    if (operation.type === "put" && operation.expectedRevision === 0) continue;
    const name = operation.collection.name;
    let list = toRead.get(name);
    if (list === undefined) {
      list = [];
      toRead.set(name, list);
    }
    list.push(operation);
  }
  if (toRead.size === 0) return Promise.resolve(revisions);
  return new Promise((resolve, reject) => {
    let pending = 0;
    // Resolving inside the last success event keeps the transaction active for the writes.
    const finish = () => {
      if (--pending === 0) resolve(revisions);
    };
    const read = (store: IDBObjectStore, operation: PreparedOperation) => {
      pending++;
      const request = store.get(operation.id);
      request.onsuccess = () => {
        const value = request.result as { r: { revision: number } } | undefined;
        revisions.set(slotOf(operation), value?.r.revision ?? 0);
        finish();
      };
      request.onerror = () => reject(request.error);
    };
    for (const [name, list] of toRead) {
      const store = stores.get(name)!;
      if (list.length < keyScanFrom) {
        for (const operation of list) read(store, operation);
        continue;
      }
      let low = list[0]!.id;
      let high = low;
      for (const { id } of list) {
        if (id < low) low = id;
        if (id > high) high = id;
      }
      const limit = list.length * 4;
      pending++;
      const keys = store.getAllKeys(IDBKeyRange.bound(low, high), limit);
      keys.onsuccess = () => {
        if (keys.result.length >= limit) {
          for (const operation of list) read(store, operation);
        } else {
          const present = new Set(keys.result as string[]);
          for (const operation of list) {
            if (present.has(operation.id)) read(store, operation);
            else revisions.set(slotOf(operation), 0);
          }
        }
        finish();
      };
      keys.onerror = () => reject(keys.error);
    }
  });
}

/** From this many records of one collection, revisions are read after one key-only range read. */
const keyScanFrom = 32;

/** Resolves when the transaction ends: `undefined` when committed, the error when aborted. */
function settled(transaction: IDBTransaction): Promise<DOMException | Error | undefined> {
  return new Promise((resolve) => {
    transaction.oncomplete = () => resolve(undefined);
    transaction.onabort = () =>
      resolve(transaction.error ?? new DOMException("Transaction aborted", "AbortError"));
  });
}

function abortQuietly(transaction: IDBTransaction): void {
  try {
    transaction.abort();
  } catch {
    // Already finished or aborted: nothing was left half-written either way.
  }
}

/**
 * A constraint error aborted the batch: either a create found an existing record (a revision
 * conflict), or a unique index refused a key. The batch is rolled back, so look at what is stored
 * now and at the batch itself to say which.
 */
async function explainConstraint(
  db: IDBDatabase,
  failure: RequestFailure,
  operations: readonly PreparedOperation[],
): Promise<Error> {
  const operation = failure.operation as PreparedPut;
  const store = db
    .transaction(operation.collection.name, "readonly")
    .objectStore(operation.collection.name);
  if (failure.added) {
    const existing = (await request(store.get(operation.id))) as
      | { r: { revision: number } }
      | undefined;
    if (existing) return revisionConflict(operation, existing.r.revision, adapterName);
  }
  for (const index of operation.collection.indexes) {
    if (!index.unique) continue;
    for (const key of operation.keys[index.name]!) {
      const holder = await request(store.index(index.name).getKey(key));
      const heldEarlierInBatch = operations.some(
        (other) =>
          other.opIndex < operation.opIndex &&
          other.type === "put" &&
          other.collection === operation.collection &&
          other.id !== operation.id &&
          other.keys[index.name]!.includes(key),
      );
      if ((holder !== undefined && holder !== operation.id) || heldEarlierInBatch) {
        return uniqueViolation(operation, index.name, adapterName, key);
      }
    }
  }
  return toCrmkitError(failure.error, "writing a batch", {
    collection: operation.collection.name,
    id: operation.id,
  });
}

function request<T>(idbRequest: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    idbRequest.onsuccess = () => resolve(idbRequest.result);
    idbRequest.onerror = () => reject(idbRequest.error);
  });
}
