import { describe, expect, it } from "vitest";
import { localBucket, SLOT_MS, slotWidthFor, startOfLocalDay, zoneLocator, zoneOffsetMs } from "../../src/domain/reports/zoneBuckets.ts";

// Local days and hours from UTC slots, for zones with whole, half and quarter-hour offsets and
// daylight-saving switches of an hour and of half an hour (Lord Howe Island).

const ZONES = ["Europe/Istanbul", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe", "America/Santiago", "UTC"];

describe("report time zones", () => {
  it("finds where a local day starts, across a daylight-saving switch", () => {
    expect(startOfLocalDay("2026-11-10", "Europe/Istanbul")).toBe(Date.parse("2026-11-09T21:00:00Z"));
    expect(startOfLocalDay("2026-10-25", "Europe/Berlin")).toBe(Date.parse("2026-10-24T22:00:00Z"));
    expect(startOfLocalDay("2026-10-26", "Europe/Berlin")).toBe(Date.parse("2026-10-25T23:00:00Z"));
    expect(startOfLocalDay("2026-03-29", "Europe/Berlin")).toBe(Date.parse("2026-03-28T23:00:00Z"));
    expect(startOfLocalDay("2026-03-30", "Europe/Berlin")).toBe(Date.parse("2026-03-29T22:00:00Z"));
    expect(startOfLocalDay("2026-06-01", "Asia/Kathmandu")).toBe(Date.parse("2026-05-31T18:15:00Z"));
    expect(zoneOffsetMs(Date.parse("2026-07-01T00:00:00Z"), "Europe/Istanbul")).toBe(3 * 3_600_000);
  });

  it("counts in whole hours only where the zone's offsets are whole hours over the range", () => {
    const year = [Date.parse("2026-01-01T00:00:00Z"), Date.parse("2027-01-01T00:00:00Z")] as const;
    for (const zone of ["Europe/Istanbul", "Europe/Berlin", "America/New_York", "UTC"]) expect(slotWidthFor(zone, ...year), zone).toBe(3_600_000);
    // Lord Howe is +10:30 in winter, +11 in summer; Kolkata +05:30; Kathmandu +05:45.
    for (const zone of ["Australia/Lord_Howe", "Asia/Kolkata", "Asia/Kathmandu"]) expect(slotWidthFor(zone, ...year), zone).toBe(SLOT_MS);
  });

  it("places every quarter hour of 2026 as Intl does, in every zone", () => {
    for (const zone of ZONES) {
      const locate = zoneLocator(zone);
      const start = startOfLocalDay("2026-01-01", zone);
      const end = startOfLocalDay("2027-01-01", zone);
      let mismatches = 0;
      for (let ms = start; ms < end; ms += SLOT_MS) {
        const fast = locate(ms);
        const exact = localBucket(ms, zone);
        if (fast.date !== exact.date || fast.hour !== exact.hour || fast.weekday !== exact.weekday) mismatches++;
      }
      expect(mismatches, zone).toBe(0);
      expect(localBucket(start, zone).date, zone).toBe("2026-01-01");
      expect(localBucket(end - 1, zone).date, zone).toBe("2026-12-31");
    }
  });
});
