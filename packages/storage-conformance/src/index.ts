/**
 * The conformance suite every crmkit storage adapter runs: one function that registers vitest
 * cases for an adapter factory, plus the cases and the reference model for finer use.
 *
 * @packageDocumentation
 */
export type { CaseContext, ConformanceCase } from "./case.js";
export { conformanceCases } from "./cases.js";
export { conformanceSchema, makeContacts } from "./fixtures.js";
export { createReferenceStorage } from "./reference-storage.js";
export { type ConformanceOptions, runStorageConformance } from "./runner.js";
