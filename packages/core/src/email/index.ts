export type {
  CallFailure,
  CallResult,
} from "./http-call.js";
export {
  createHttpEmailSender,
  type HttpEmailSenderOptions,
} from "./http-sender.js";
/** @internal */
export * from "./internal.js";
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
  singleLine,
} from "./template.js";
