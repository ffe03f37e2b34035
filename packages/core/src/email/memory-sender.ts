import type { EmailMessage, EmailSender, SendResult } from "./port.js";

/** An {@link EmailSender} that keeps messages in memory, for tests and demos. */
export interface MemoryEmailSender extends EmailSender {
  /** What was sent, in order, each message once (a repeated idempotency key is not sent again). */
  readonly sent: readonly EmailMessage[];
  /** Makes the next `count` sends fail (retryably unless told otherwise), to rehearse failures. */
  failNext(count: number, options?: { readonly retryable?: boolean }): void;
  /** Forgets what was sent. */
  clear(): void;
}

/**
 * Creates an in-memory e-mail outbox. Like a real provider honouring idempotency keys, it accepts
 * a message whose key it has seen without keeping it twice.
 *
 * @example
 * ```ts
 * const email = createMemoryEmailSender();
 * // …run automations with it, then:
 * console.log(email.sent.map((m) => `${m.to}: ${m.subject}`));
 * ```
 */
export function createMemoryEmailSender(): MemoryEmailSender {
  const sent: EmailMessage[] = [];
  const ids = new Map<string, string>();
  let failures = 0;
  let failRetryable = true;
  return {
    name: "memory",
    sent,
    failNext(count, options = {}) {
      failures = count;
      failRetryable = options.retryable ?? true;
    },
    clear() {
      sent.length = 0;
      ids.clear();
    },
    async send(message): Promise<SendResult> {
      if (failures > 0) {
        failures--;
        return { ok: false, retryable: failRetryable, status: 503, message: "rehearsed failure" };
      }
      let messageId = ids.get(message.idempotencyKey);
      if (messageId === undefined) {
        messageId = `mem-${ids.size + 1}`;
        ids.set(message.idempotencyKey, messageId);
        sent.push(message);
      }
      return { ok: true, messageId };
    },
  };
}
