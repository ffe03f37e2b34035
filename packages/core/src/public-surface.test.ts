// Pins the package's public surface: the runtime names each entry exports, and the types of the
// calls an application makes most. A change here is a change of the published API.
import { describe, expect, expectTypeOf, it } from "vitest";
import * as collector from "./collector/public.js";
import * as compensation from "./compensation/public.js";
import type {
  Contact,
  Crm,
  CrmkitErrorCode,
  Deal,
  ListOptions,
  RecordPage,
  SegmentQuery,
} from "./index.js";
import * as root from "./index.js";
import * as money from "./money.js";
import * as query from "./query/public.js";
import * as reports from "./reports/public.js";
import * as storage from "./storage/index.js";
import * as testing from "./testing/public.js";

describe("the public surface", () => {
  it("exports from the root what an application needs, and nothing internal", () => {
    expect(Object.keys(root).sort()).toEqual(
      [
        "collections",
        "contactRoles",
        "createCrm",
        "createEnvironment",
        "createEventBus",
        "createTestEnvironment",
        "crmStorageSchema",
        "CrmkitError",
        "crmkitErrorCodes",
        "defaultActionTypes",
        "defaultStatuses",
        "defaultWorkingHours",
        "formatMoney",
        "missedAppointmentRecovery",
        "nurtureSequence",
        "proposedSlots",
        "q",
        "recoveryReport",
        "seededRandom",
        "toIsoInstant",
      ].sort(),
    );
  });

  it("keeps the engines in their entries", () => {
    expect(Object.keys(money).sort()).toEqual(
      ["currencyExponent", "formatMoney", "roundHalfAway", "splitExactly"].sort(),
    );
    expect(Object.keys(testing).sort()).toEqual(["createTestEnvironment", "seededRandom"]);
    expect(Object.keys(query)).toEqual(
      expect.arrayContaining(["q", "compileCondition", "compileRegex"]),
    );
    expect(Object.keys(query)).not.toContain("compileQuery");
    expect(Object.keys(reports)).toEqual(
      expect.arrayContaining(["funnelReport", "toCsv", "reportCsv"]),
    );
    expect(Object.keys(compensation)).toEqual(
      expect.arrayContaining(["simulate", "comparePlans", "parsePlan"]),
    );
    expect(Object.keys(collector)).toEqual(
      expect.arrayContaining(["createCollector", "toNodeListener", "signIdentity"]),
    );
    expect(Object.keys(storage)).toEqual(
      expect.arrayContaining(["defineStorageSchema", "prepareWrite"]),
    );
  });

  it("types the calls an application makes most", () => {
    expectTypeOf(root.createCrm).returns.resolves.toEqualTypeOf<Crm>();
    expectTypeOf<Crm["contacts"]["list"]>().parameter(0).toEqualTypeOf<ListOptions | undefined>();
    expectTypeOf<Crm["contacts"]["list"]>().returns.resolves.toEqualTypeOf<RecordPage<Contact>>();
    expectTypeOf<Crm["deals"]["list"]>().returns.resolves.toEqualTypeOf<RecordPage<Deal>>();
    expectTypeOf<Crm["contacts"]["get"]>().returns.resolves.toEqualTypeOf<Contact | null>();
    expectTypeOf(root.q.field("country").eq("FR")).toEqualTypeOf<SegmentQuery>();
    expectTypeOf(root.formatMoney).parameters.toEqualTypeOf<
      [minor: number, currency: string, options?: money.FormatMoneyOptions]
    >();
    expectTypeOf<CrmkitErrorCode>().toEqualTypeOf<(typeof root.crmkitErrorCodes)[number]>();
  });
});
