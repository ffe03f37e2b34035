/**
 * Sending e-mail and keeping lists: the `EmailSender` and `EmailListProvider` ports, the HTTP,
 * in-memory and Mailchimp implementations, and templates.
 *
 * @packageDocumentation
 * @module @crmkit/core/email
 */

export {
  createMailchimpProvider,
  type DeliverOptions,
  type DeliveryReport,
  type EmailListProvider,
  type ListCallResult,
  type ListMembershipRequest,
  type MailchimpOptions,
  type OutboxEntry,
  type OutboxStatus,
  subscriberHash,
} from "../email-lists/index.js";

export type {
  CallFailure,
  CallResult,
} from "./http-call.js";

export {
  createHttpEmailSender,
  type HttpEmailSenderOptions,
} from "./http-sender.js";

export {
  createMemoryEmailSender,
  type MemoryEmailSender,
} from "./memory-sender.js";

export type {
  EmailMessage,
  EmailSender,
  SendResult,
} from "./port.js";

export {
  type EmailTemplate,
  type RenderedEmail,
  renderTemplate,
} from "./template.js";
