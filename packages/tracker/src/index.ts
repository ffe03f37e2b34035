/**
 * The crmkit tracker for bundlers: {@link createTracker} starts the same tracker as the
 * script-tag build (`@crmkit/tracker/crmkit.js`), configured by options instead of `data-*`
 * attributes.
 *
 * @packageDocumentation
 */
export {
  createTracker,
  type EventValue,
  type SpaMode,
  type Tracker,
  type TrackerOptions,
} from "./tracker.js";
