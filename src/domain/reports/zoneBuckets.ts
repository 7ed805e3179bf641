// Local days and hours of an IANA time zone, for the reports. SQLite knows no time zones, and the
// two engines must agree, so neither engine converts: the queries count rows per 15-minute slot of
// UTC time (`created_at / 900000`), and each slot is given its local day, weekday and hour here.
// Every UTC offset in use since 1900 and every daylight-saving switch is a whole number of quarter
// hours (India +05:30, Nepal +05:45, Chatham +12:45), so a slot never straddles a local hour or
// midnight: counting per slot and then per local bucket is exact in any zone, across DST changes.

/** The slot width of the queries: a quarter hour. */
export const SLOT_MS = 15 * 60_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    formatters.set(timeZone, f);
  }
  return f;
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(ms: number, timeZone: string): Wall {
  const wall: Wall = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) {
    if (part.type in wall) wall[part.type as keyof Wall] = Number(part.value);
  }
  return wall;
}

/** The zone's offset from UTC at the instant `ms`, in milliseconds (Istanbul: +3 h). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  const second = Math.floor(ms / 1000) * 1000;
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - second;
}

/** Where an instant falls in the zone: its date ("2026-03-29"), weekday (0 Monday … 6 Sunday) and hour (0-23). */
export function localBucket(ms: number, timeZone: string): { date: string; weekday: number; hour: number } {
  const w = wallClock(ms, timeZone);
  const date = `${String(w.year).padStart(4, "0")}-${String(w.month).padStart(2, "0")}-${String(w.day).padStart(2, "0")}`;
  const weekday = (new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay() + 6) % 7;
  return { date, weekday, hour: w.hour };
}

/**
 * The instant a local date begins in the zone ("2026-03-29" in Europe/Berlin: 23:00 UTC the day
 * before). Two rounds of "UTC midnight minus the offset there" settle on the right offset even when
 * the day itself changes offset; a zone that skips its midnight starts the day when the clock jumps.
 */
export function startOfLocalDay(date: string, timeZone: string): number {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const utcMidnight = Date.UTC(y, m - 1, d);
  let start = utcMidnight - zoneOffsetMs(utcMidnight, timeZone);
  start = utcMidnight - zoneOffsetMs(start, timeZone);
  // In a gap (the clock jumped over midnight) the wall time there is already past midnight: step back to the jump.
  const w = wallClock(start, timeZone);
  if (w.hour !== 0 || w.minute !== 0) {
    const earlier = start - (w.hour * 60 + w.minute) * 60_000;
    if (localBucket(earlier, timeZone).date === date) start = earlier;
  }
  return start;
}

/**
 * `localBucket` for many instants of one zone, cheaply: Intl is asked the offset at both ends of
 * each UTC day; when they agree (every day but the two switch days a year) the whole day uses it and
 * the rest is arithmetic. A day whose ends differ is split the same way into hours, and an hour
 * whose ends differ asks Intl for each instant. A year of slots costs some 750 Intl calls, not 35,000.
 */
export function zoneLocator(timeZone: string): (ms: number) => { date: string; weekday: number; hour: number } {
  const steady = new Map<string, number | null>();
  const steadyOffset = (unit: number, index: number): number | null => {
    const key = `${unit}:${index}`;
    let offset = steady.get(key);
    if (offset === undefined) {
      const start = zoneOffsetMs(index * unit, timeZone);
      offset = start === zoneOffsetMs(index * unit + unit - 1, timeZone) ? start : null;
      steady.set(key, offset);
    }
    return offset;
  };
  return (ms) => {
    const offset = steadyOffset(86_400_000, Math.floor(ms / 86_400_000)) ?? steadyOffset(3_600_000, Math.floor(ms / 3_600_000));
    if (offset === null) return localBucket(ms, timeZone);
    const wall = new Date(ms + offset);
    return { date: wall.toISOString().slice(0, 10), weekday: (wall.getUTCDay() + 6) % 7, hour: wall.getUTCHours() };
  };
}

/** The date after `date` ("2026-12-31" -> "2027-01-01"). */
export function nextDate(date: string): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** The date `days` days before `date`. */
export function daysBefore(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d - days)).toISOString().slice(0, 10);
}

/** Every date from `from` to `to`, both included. */
export function datesBetween(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let d = from; d <= to; d = nextDate(d)) dates.push(d);
  return dates;
}
