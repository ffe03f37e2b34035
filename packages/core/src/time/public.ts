/**
 * Wall-clock time in a timezone: calendar dates, periods and daylight saving.
 *
 * @packageDocumentation
 * @module @crmkit/core/time
 */

export {
  addCalendar,
  addToWallClock,
  type CalendarUnit,
  calendarDate,
  formatWallDate,
  fromWallClock,
  isValidTimezone,
  startOfPeriod,
  startOfWallPeriod,
  timezoneOffset,
  toWallClock,
  type WallClock,
} from "./zoned.js";
