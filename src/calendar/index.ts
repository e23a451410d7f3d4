export { CHINA_HOLIDAYS, type HolidayYear } from './china-holidays.js';
export {
  CHINA_MAINLAND,
  WEEKENDS_ONLY,
  buildCalendar,
  countWorkingDays,
  describeDay,
  isOfficialYear,
  isWorkingDay,
  addWorkingDays,
  subtractWorkingDays,
  shiftWorkingDays,
  setCalendarYear,
  unsetCalendarYear,
  type DayInfo,
  type DayKind,
  type ShiftResult,
  type WorkingCalendar,
} from './working-days.js';
