// Local days and hours of an IANA time zone, for the reports. SQLite knows no time zones, and the
// two engines must agree, so neither engine converts: the queries count rows per slot of UTC time
// (`created_at / 3600000`, or `/ 900000`), and each slot is given its local day, weekday and hour
// here, from offsets Intl computes at day and hour boundaries. Every UTC offset in use since 1900
// and every daylight-saving switch is a whole number of quarter hours (India +05:30, Nepal +05:45,
// Chatham +12:45), so a quarter-hour slot never straddles a local hour or midnight, and in a zone
// whose offsets are whole hours neither does an hour: counting per slot and then per local bucket
// is exact in any zone, across DST changes.

/** The narrowest slot the queries count in: a quarter hour. */
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

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * The slot the queries can count in for this zone and range: whole UTC hours when the zone's
 * offset is a whole number of hours on every day of the range (then its switches fall on whole UTC
 * hours too: Istanbul, Berlin, New York), else quarter hours (Kolkata, Kathmandu, Lord Howe's
 * half-hour summer time). Fewer slots, fewer rows to group and place.
 */
export function slotWidthFor(timeZone: string, start: number, end: number): number {
  for (let day = Math.floor(start / DAY_MS); day <= Math.floor(end / DAY_MS); day++) {
    if (zoneOffsetMs(day * DAY_MS, timeZone) % HOUR_MS !== 0) return SLOT_MS;
  }
  return zoneOffsetMs(end, timeZone) % HOUR_MS === 0 ? HOUR_MS : SLOT_MS;
}

/**
 * `localBucket` for many instants of one zone, cheaply: Intl is asked the offset at both ends of
 * each UTC week; when they agree (all but the few weeks with a switch) the whole week uses it and
 * the rest is arithmetic. A week whose ends differ is split the same way into days, a day into
 * hours, and an hour whose ends differ asks Intl for each instant. A year of slots costs some 120
 * Intl calls, not 35,000. (No zone switches and back within a week: Morocco's Ramadan pause, the
 * shortest known, lasts about a month.)
 */
export function zoneLocator(timeZone: string): (ms: number) => { date: string; weekday: number; hour: number } {
  const units = [7 * DAY_MS, DAY_MS, HOUR_MS];
  const caches = units.map(() => new Map<number, number | null>());
  const steadyOffset = (ms: number): number | null => {
    for (const [i, unit] of units.entries()) {
      const cache = caches[i] as Map<number, number | null>;
      const index = Math.floor(ms / unit);
      let offset = cache.get(index);
      if (offset === undefined) {
        const start = zoneOffsetMs(index * unit, timeZone);
        offset = start === zoneOffsetMs(index * unit + unit - 1, timeZone) ? start : null;
        cache.set(index, offset);
      }
      if (offset !== null) return offset;
    }
    return null;
  };
  const dates = new Map<number, string>();
  return (ms) => {
    const offset = steadyOffset(ms);
    if (offset === null) return localBucket(ms, timeZone);
    const local = ms + offset;
    const day = Math.floor(local / DAY_MS);
    let date = dates.get(day);
    if (date === undefined) {
      date = new Date(day * DAY_MS).toISOString().slice(0, 10);
      dates.set(day, date);
    }
    // 1970-01-01 was a Thursday (3, counting from Monday).
    return { date, weekday: (((day + 3) % 7) + 7) % 7, hour: Math.floor((local - day * DAY_MS) / HOUR_MS) };
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
