export {
  createEventBus,
  type EventBus,
  type EventBusOptions,
  type EventHandler,
} from "./event-bus.js";
/** @internal */
export * from "./internal.js";
export type { EventJournal } from "./journal.js";
