// Test support: the error a promise rejects with, for assertions on its code and details.
import type { CrmkitError } from "../errors.js";

/** Awaits a promise that must reject, and returns what it rejected with. */
export async function rejection(promise: Promise<unknown>): Promise<CrmkitError> {
  try {
    await promise;
  } catch (error) {
    return error as CrmkitError;
  }
  throw new Error("expected a rejection");
}
