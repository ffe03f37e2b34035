import type { CallFailure } from "./http-call.js";

/** An e-mail to send: to one person, with a key that makes sending it twice send it once. */
export interface EmailMessage {
  /** The recipient's address. */
  readonly to: string;
  /** The recipient's name. */
  readonly toName?: string;
  /** The sender, when not the provider's default. */
  readonly from?: string;
  /** Where replies go (the rep, for a sequence sent on their behalf). */
  readonly replyTo?: string;
  /** The subject line. */
  readonly subject: string;
  /** The plain-text body. */
  readonly text: string;
  /** The HTML body. */
  readonly html?: string;
  /**
   * Identifies this message for good: a sender given the same key twice delivers once. Automation
   * steps derive it from the run and the step, so a retry after a crash never sends twice.
   */
  readonly idempotencyKey: string;
  /** Labels for the provider's logs (`{ automation: "missed-recovery" }`). */
  readonly tags?: Readonly<Record<string, string>>;
}

/** What a send gave. Failures are ordinary answers, not exceptions. */
export type SendResult =
  | {
      /** Accepted by the sender. */
      readonly ok: true;
      /** The sender's id for the message, when it gives one. */
      readonly messageId?: string;
    }
  | CallFailure;

/** The port to whatever delivers e-mail (an ESP's API, an SMTP relay behind an endpoint). */
export interface EmailSender {
  /** The sender's name, for run records. */
  readonly name: string;
  /** Sends one message. Never throws for a failed send. */
  send(message: EmailMessage): Promise<SendResult>;
}
