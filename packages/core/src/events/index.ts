export {
  createEventBus,
  type EventBus,
  type EventBusOptions,
  type EventHandler,
} from "./event-bus.js";
export { type EventJournal, noJournal } from "./journal.js";
