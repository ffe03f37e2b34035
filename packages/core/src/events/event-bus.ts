/** A handler of one event type. */
export type EventHandler<Payload> = (event: Payload) => void;

/** Options for {@link createEventBus}. */
export interface EventBusOptions {
  /**
   * Called when a handler throws. The event has already happened (its write is committed), so a
   * failing handler cannot undo it; by default the error is rethrown on a fresh task, where the host's
   * global error reporting sees it, and the other handlers still run.
   * @default rethrow asynchronously
   */
  readonly onHandlerError?: (error: unknown, type: string) => void;
}

/**
 * A typed, synchronous publish/subscribe bus. crmkit emits its domain events (for instance
 * `segment.entered`) on one, after the write they describe has committed; host applications and
 * automations subscribe to it.
 */
export interface EventBus<Events extends object> {
  /**
   * Subscribes to one event type.
   * @returns a function that unsubscribes
   */
  on<Type extends keyof Events & string>(
    type: Type,
    handler: EventHandler<Events[Type]>,
  ): () => void;
  /** Subscribes to every event type; the handler receives the type and the event. */
  onAny(
    handler: <Type extends keyof Events & string>(type: Type, event: Events[Type]) => void,
  ): () => void;
  /** Delivers an event to its subscribers, in subscription order. */
  emit<Type extends keyof Events & string>(type: Type, event: Events[Type]): void;
}

/**
 * Creates an {@link EventBus}.
 *
 * @example
 * ```ts
 * const bus = createEventBus<{ ping: { at: string } }>();
 * const off = bus.on("ping", (event) => log(event.at));
 * bus.emit("ping", { at: "2026-01-01T00:00:00.000Z" });
 * off();
 * ```
 */
export function createEventBus<Events extends object>(
  options: EventBusOptions = {},
): EventBus<Events> {
  const handlers = new Map<string, Set<(event: never) => void>>();
  const anyHandlers = new Set<(type: string, event: unknown) => void>();
  const report =
    options.onHandlerError ??
    ((error: unknown) => {
      setTimeout(() => {
        throw error;
      }, 0);
    });
  const run = (type: string, call: () => void): void => {
    try {
      call();
    } catch (error) {
      report(error, type);
    }
  };
  return {
    on(type, handler) {
      let set = handlers.get(type);
      if (set === undefined) {
        set = new Set();
        handlers.set(type, set);
      }
      const entry = handler as (event: never) => void;
      set.add(entry);
      return () => {
        set.delete(entry);
      };
    },
    onAny(handler) {
      const entry = handler as (type: string, event: unknown) => void;
      anyHandlers.add(entry);
      return () => {
        anyHandlers.delete(entry);
      };
    },
    emit(type, event) {
      const set = handlers.get(type);
      if (set !== undefined) {
        for (const handler of [...set]) run(type, () => (handler as EventHandler<unknown>)(event));
      }
      for (const handler of [...anyHandlers]) run(type, () => handler(type, event));
    },
  };
}
