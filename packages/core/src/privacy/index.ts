export type {
  RetentionDays,
  RetentionMonths,
  RetentionPolicy,
  SweepOptions,
  SweepReport,
} from "./retention.js";
export { type PrivacyDeps, PrivacyService } from "./service.js";
export type {
  ConsentInput,
  ConsentPurpose,
  ConsentRecord,
  ConsentState,
  ContactConsent,
  ErasedCollection,
  ErasureReport,
  PersonalDataExport,
} from "./types.js";
