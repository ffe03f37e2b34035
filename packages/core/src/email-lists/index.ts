export { createMailchimpProvider, type MailchimpOptions, subscriberHash } from "./mailchimp.js";
export {
  type DeliverOptions,
  type DeliveryReport,
  membershipRequest,
  type OutboxEntry,
  OutboxService,
  type OutboxStatus,
  outboxEntry,
} from "./outbox.js";
export type { EmailListProvider, ListCallResult, ListMembershipRequest } from "./port.js";
