import { describe, expect, it } from "vitest";
import { isOpen, nextOpening } from "../../src/domain/inboxes/businessHours.ts";
import { type BusinessHours, businessHours } from "../../src/protocol/inboxes.ts";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Weekdays 09:00–18:00 (the default), switched on, in the given zone. */
function officeHours(timezone: string, extra: Partial<BusinessHours> = {}): BusinessHours {
  return businessHours.parse({ enabled: true, timezone, ...extra });
}

describe("business hours in Istanbul (UTC+3 all year, no DST)", () => {
  const hours = officeHours("Europe/Istanbul");

  it("is open from 09:00 up to (not including) 18:00 local on a weekday", () => {
    // Wednesday 2026-12-02: 09:00 in Istanbul is 06:00 UTC.
    expect(isOpen(hours, at("2026-12-02T05:59:00Z"))).toBe(false);
    expect(isOpen(hours, at("2026-12-02T06:00:00Z"))).toBe(true);
    expect(isOpen(hours, at("2026-12-02T14:59:00Z"))).toBe(true);
    expect(isOpen(hours, at("2026-12-02T15:00:00Z"))).toBe(false);
  });

  it("is closed at the weekend and opens again on Monday 09:00 local", () => {
    const saturday = at("2026-12-05T10:00:00Z");
    expect(isOpen(hours, saturday)).toBe(false);
    expect(iso(nextOpening(hours, saturday))).toBe("2026-12-07T06:00:00.000Z");
  });

  it("after closing time, the next opening is the next morning", () => {
    expect(iso(nextOpening(hours, at("2026-12-02T16:00:00Z")))).toBe("2026-12-03T06:00:00.000Z");
  });

  it("gives the instant itself while open", () => {
    const noon = at("2026-12-02T09:00:00Z");
    expect(nextOpening(hours, noon)).toBe(noon);
  });

  it("is always open when hours are switched off, and names no next opening", () => {
    const off = businessHours.parse({ enabled: false });
    expect(isOpen(off, at("2026-12-06T03:00:00Z"))).toBe(true);
    expect(nextOpening(off, at("2026-12-06T03:00:00Z"))).toBeNull();
  });

  it("is closed all day on a holiday, by the local date, and skips it for the next opening", () => {
    const withHoliday = officeHours("Europe/Istanbul", { holidays: [{ date: "2026-10-29", name: "Cumhuriyet Bayramı" }] });
    expect(isOpen(withHoliday, at("2026-10-29T09:00:00Z"))).toBe(false);
    // 23:30 UTC on the 28th is already the 29th in Istanbul (02:30).
    expect(iso(nextOpening(withHoliday, at("2026-10-28T23:30:00Z")))).toBe("2026-10-30T06:00:00.000Z");
    expect(isOpen(withHoliday, at("2026-10-30T06:00:00Z"))).toBe(true);
  });

  it("handles intervals around midnight: 00:00 starts a day and 24:00 ends one", () => {
    const night = officeHours("Europe/Istanbul", {
      weekly: { mon: [{ from: "22:00", to: "24:00" }], tue: [{ from: "00:00", to: "02:00" }], wed: [], thu: [], fri: [], sat: [], sun: [] },
    });
    // Monday 2026-11-30 23:59 local = 20:59 UTC; Tuesday 00:00 local = Monday 21:00 UTC.
    expect(isOpen(night, at("2026-11-30T20:59:00Z"))).toBe(true);
    expect(isOpen(night, at("2026-11-30T21:00:00Z"))).toBe(true);
    expect(isOpen(night, at("2026-11-30T22:59:00Z"))).toBe(true);
    expect(isOpen(night, at("2026-11-30T23:00:00Z"))).toBe(false);
    // From Tuesday 02:00 local the next opening is next Monday 22:00 local.
    expect(iso(nextOpening(night, at("2026-11-30T23:00:00Z")))).toBe("2026-12-07T19:00:00.000Z");
  });

  it("finds the later interval of a split day", () => {
    const split = officeHours("Europe/Istanbul", {
      weekly: {
        mon: [{ from: "13:00", to: "17:00" }, { from: "09:00", to: "12:00" }],
        tue: [], wed: [], thu: [], fri: [], sat: [], sun: [],
      },
    });
    // Monday 12:30 local (lunch): back at 13:00 local.
    expect(isOpen(split, at("2026-11-30T09:30:00Z"))).toBe(false);
    expect(iso(nextOpening(split, at("2026-11-30T09:30:00Z")))).toBe("2026-11-30T10:00:00.000Z");
  });

  it("names no next opening when every day is closed", () => {
    const never = officeHours("Europe/Istanbul", { weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] } });
    expect(isOpen(never, at("2026-12-02T09:00:00Z"))).toBe(false);
    expect(nextOpening(never, at("2026-12-02T09:00:00Z"))).toBeNull();
  });
});

describe("business hours in Berlin (DST)", () => {
  const hours = officeHours("Europe/Berlin");

  it("keeps 09:00 local in winter (UTC+1) and in summer (UTC+2)", () => {
    expect(isOpen(hours, at("2026-12-02T08:00:00Z"))).toBe(true);
    expect(isOpen(hours, at("2026-12-02T07:59:00Z"))).toBe(false);
    expect(isOpen(hours, at("2026-07-01T07:00:00Z"))).toBe(true);
    expect(isOpen(hours, at("2026-07-01T06:59:00Z"))).toBe(false);
  });

  it("opens at 09:00 local on the Monday after the spring change (2026-03-29)", () => {
    // Saturday before the change, CET; Monday after, CEST: 09:00 local is 07:00 UTC.
    expect(iso(nextOpening(hours, at("2026-03-28T12:00:00Z")))).toBe("2026-03-30T07:00:00.000Z");
  });

  it("opens at 09:00 local on the Monday after the autumn change (2026-10-25)", () => {
    expect(iso(nextOpening(hours, at("2026-10-24T12:00:00Z")))).toBe("2026-10-26T08:00:00.000Z");
  });

  it("counts a night interval across the spring jump in local time", () => {
    const sunday = officeHours("Europe/Berlin", {
      weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [{ from: "01:00", to: "04:00" }] },
    });
    // 2026-03-29 01:30 CET = 00:30 UTC; 03:30 CEST = 01:30 UTC; 04:00 CEST = 02:00 UTC.
    expect(isOpen(sunday, at("2026-03-29T00:30:00Z"))).toBe(true);
    expect(isOpen(sunday, at("2026-03-29T01:30:00Z"))).toBe(true);
    expect(isOpen(sunday, at("2026-03-29T02:00:00Z"))).toBe(false);
  });

  it("reads a start time the spring jump skips as just after the jump", () => {
    const skipped = officeHours("Europe/Berlin", {
      weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [{ from: "02:30", to: "05:00" }] },
    });
    const opening = nextOpening(skipped, at("2026-03-28T12:00:00Z"));
    // 02:30 does not exist that night; the inbox opens at 03:30 CEST (01:30 UTC), and is open then.
    expect(iso(opening)).toBe("2026-03-29T01:30:00.000Z");
    expect(isOpen(skipped, opening ?? 0)).toBe(true);
  });
});
