import { type BusinessHours, WEEKDAYS, type Weekday } from "../../protocol/inboxes.ts";

// Business hours are wall-clock times in the inbox's time zone: "09:00–18:00 on Mondays" stays
// 09:00 in Berlin across the DST change, so every check converts the instant to local time first.
// Pure functions: the caller passes the instant (the domain clock), which keeps them testable.

const MINUTE = 60_000;
const DAY_MINUTES = 24 * 60;
/** How far ahead nextOpening looks: a year of holidays plus a week. */
const LOOK_AHEAD_DAYS = 373;

const formats = new Map<string, Intl.DateTimeFormat>();
function formatIn(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    });
    formats.set(timeZone, format);
  }
  return format;
}

interface LocalTime {
  year: number;
  month: number;
  day: number;
  /** Minutes since local midnight. */
  minute: number;
}

function localTime(at: number, timeZone: string): LocalTime {
  const parts: Record<string, number> = {};
  for (const part of formatIn(timeZone).formatToParts(new Date(at))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return { year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1, minute: (parts.hour ?? 0) * 60 + (parts.minute ?? 0) };
}

/** The zone's offset from UTC at an instant, in ms (Istanbul: +3 h). */
function offsetAt(at: number, timeZone: string): number {
  const local = localTime(at, timeZone);
  const asUtc = Date.UTC(local.year, local.month - 1, local.day) + local.minute * MINUTE;
  return asUtc - Math.floor(at / MINUTE) * MINUTE;
}

/** The instant a local wall-clock time happens; a time a DST jump skips is read with the earlier offset (02:30 becomes 03:30). */
function instantOf(year: number, month: number, day: number, minute: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day) + minute * MINUTE;
  const first = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(first, timeZone);
  return Math.max(first, second);
}

/** The instant a local day starts (its midnight in `timeZone`), `daysLater` days after the day of `at` (negative: before). */
export function localMidnight(at: number, timeZone: string, daysLater = 0): number {
  const local = localTime(at, timeZone);
  const day = new Date(Date.UTC(local.year, local.month - 1, local.day + daysLater));
  return instantOf(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), 0, timeZone);
}

const minutesOf = (clock: string) => {
  const [h, m] = clock.split(":");
  return Number(h) * 60 + Number(m);
};

const dateKey = (year: number, month: number, day: number) =>
  `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;

function weekdayOf(year: number, month: number, day: number): Weekday {
  // getUTCDay: 0 is Sunday; WEEKDAYS starts on Monday.
  return WEEKDAYS[(new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7] ?? "mon";
}

/** The open intervals of one local date in minutes of the day; none on a holiday. */
function intervalsOn(hours: BusinessHours, year: number, month: number, day: number): Array<{ from: number; to: number }> {
  const key = dateKey(year, month, day);
  if (hours.holidays.some((h) => h.date === key)) return [];
  return hours.weekly[weekdayOf(year, month, day)]
    .map((i) => ({ from: minutesOf(i.from), to: Math.min(minutesOf(i.to), DAY_MINUTES) }))
    .sort((a, b) => a.from - b.from);
}

/** Whether the team answers at `at` by its business hours; hours switched off mean always open. */
export function isOpen(hours: BusinessHours, at: number): boolean {
  if (!hours.enabled) return true;
  const local = localTime(at, hours.timezone);
  return intervalsOn(hours, local.year, local.month, local.day).some((i) => i.from <= local.minute && local.minute < i.to);
}

/**
 * The first instant at or after `at` when the hours are open: `at` itself while open, null when
 * hours are off or no opening comes within a year (every day empty or a holiday).
 */
export function nextOpening(hours: BusinessHours, at: number): number | null {
  if (!hours.enabled) return null;
  if (isOpen(hours, at)) return at;
  const today = localTime(at, hours.timezone);
  for (let offset = 0; offset < LOOK_AHEAD_DAYS; offset++) {
    // Calendar arithmetic on a UTC date: no DST in UTC, so adding days is exact.
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + offset));
    const [year, month, day] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    for (const interval of intervalsOn(hours, year, month, day)) {
      const start = instantOf(year, month, day, interval.from, hours.timezone);
      if (start > at) return start;
    }
  }
  return null;
}
