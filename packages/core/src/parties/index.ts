/**
 * Contacts and accounts: their inputs, validation against the workspace's definitions, and
 * their repositories (create, update, import, tags).
 *
 * @packageDocumentation
 */

/** @internal */
export * from "./internal.js";
export {
  type AccountInput,
  type AccountPatch,
  addTagsTo,
  type ContactInput,
  type ContactPatch,
  checkParty,
  mergeCustom,
  type PartyInputFields,
  type PartyPatchFields,
} from "./party-input.js";
export { PartyRepository } from "./party-repository.js";
export type {
  ImportFailure,
  ImportOptions,
  ImportReport,
  PartySpec,
  RepositoryDeps,
  WriteOptions,
} from "./party-types.js";
