import { describe, expect, it } from "vitest";
import { openMemoryStorage } from "../../storage-memory/src/index.js";
import { createCrm } from "./crm.js";
import { CrmkitError } from "./errors.js";
import { crmStorageSchema } from "./records/index.js";

async function refusal(promise: Promise<unknown>): Promise<CrmkitError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(CrmkitError.is(error, "VALIDATION_FAILED"), String(error)).toBe(true);
  return error as CrmkitError;
}

describe("createCrm", () => {
  it("says what is wrong with its options instead of failing somewhere inside", async () => {
    const pending = openMemoryStorage({ schema: crmStorageSchema });
    const promised = await refusal(createCrm({ storage: pending as never }));
    expect([promised.details.path, promised.message]).toEqual([
      ["storage"],
      expect.stringContaining("await the adapter first"),
    ]);
    expect((await refusal(createCrm({} as never))).details.path).toEqual(["storage"]);
    expect((await refusal(createCrm(undefined as never))).details.path).toEqual([]);
    const notAnAdapter = await refusal(createCrm({ storage: { schema: {} } as never }));
    expect(notAnAdapter.message).toContain("lacks get");
    const clockless = await refusal(
      createCrm({ storage: await pending, environment: { now: () => 0 } as never }),
    );
    expect(clockless.details.path).toEqual(["environment"]);
  });
});
