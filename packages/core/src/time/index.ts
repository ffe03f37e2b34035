export { instantMs } from "./instant.js";
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
