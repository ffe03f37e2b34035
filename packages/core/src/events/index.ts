export {
  createEventBus,
  type EventBus,
  type EventBusOptions,
  type EventHandler,
} from "./event-bus.js";
