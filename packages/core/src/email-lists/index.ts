/** @internal */
export * from "./internal.js";
export {
  createMailchimpProvider,
  type MailchimpOptions,
  subscriberHash,
} from "./mailchimp.js";
export {
  type DeliverOptions,
  type DeliveryReport,
  type OutboxEntry,
  OutboxService,
  type OutboxStatus,
} from "./outbox.js";
export type {
  EmailListProvider,
  ListCallResult,
  ListMembershipRequest,
} from "./port.js";
