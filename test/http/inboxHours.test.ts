import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { listAudit } from "../../src/adapters/db/repositories/audit.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import type { WidgetAvailability } from "../../src/protocol/callbacks.ts";
import { WEEKDAYS } from "../../src/protocol/inboxes.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { addAgent, startTestApp, type TestApp } from "../support/testApp.ts";

// An inbox's business hours over HTTP (admins only, validated, audit-logged) and what the widget's
// config then says: open or closed, the next opening, and Call or `Request a call back`.

const ALL_DAY = [{ from: "00:00", to: "24:00" }];
/** Every day open all day except `closed` (weekday names), in UTC. */
function weekExcept(...closed: string[]) {
  return Object.fromEntries(WEEKDAYS.map((day) => [day, closed.includes(day) ? [] : ALL_DAY]));
}
/** Today's weekday in UTC, as the hours name it. */
const todayUtc = (now: number) => WEEKDAYS[(new Date(now).getUTCDay() + 6) % 7] ?? "mon";

describe.each(testDatabases())("business hours of an inbox on $name", (database: TestDatabase) => {
  let t: TestApp;
  let dispose: () => Promise<void>;
  const tokens = { admin: "", agent: "" };

  const call = (who: keyof typeof tokens | null, method: "GET" | "PUT", url: string, payload?: object) =>
    t.app.inject({ method, url, headers: who ? { authorization: `Bearer ${tokens[who]}` } : {}, ...(payload ? { payload } : {}) });
  const errorOf = (res: { statusCode: number; json(): unknown }) => ({ status: res.statusCode, id: (res.json() as { error: { id: string } }).error.id });
  const config = async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/widget/config" });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ agentsOnline: boolean; availability: WidgetAvailability }>();
  };

  beforeAll(async () => {
    const db = await database.open();
    dispose = db.dispose;
    t = await startTestApp({ database: db });
    await addAgent(t.deps, "admin", { admin: true });
    await addAgent(t.deps, "agent");
    for (const name of ["admin", "agent"] as const) {
      const row = (await findAgentByUsername(t.deps.domain.db, name))!;
      tokens[name] = (await startSession(t.deps.domain, row, { ip: null, userAgent: null })).accessToken;
    }
  });
  afterAll(async () => {
    await t?.close();
    await dispose?.();
  });

  it("reads the defaults: off, Europe/Istanbul, weekdays 09:00-18:00", async () => {
    const res = await call("admin", "GET", "/api/inboxes/default/hours");
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      inboxId: "default",
      hours: { enabled: false, timezone: "Europe/Istanbul", weekly: { mon: [{ from: "09:00", to: "18:00" }], sat: [], sun: [] }, holidays: [] },
    });
    expect((await config()).availability).toEqual({ open: true, nextOpening: null, calls: false, callbacks: true });
  });

  it("lets admins only change hours, validates them with stable ids, and writes the audit log", async () => {
    const hours = { enabled: true, timezone: "UTC", weekly: weekExcept(), holidays: [] };
    expect(errorOf(await call(null, "PUT", "/api/inboxes/default/hours", hours))).toEqual({ status: 401, id: "unauthenticated" });
    expect(errorOf(await call("agent", "PUT", "/api/inboxes/default/hours", hours))).toEqual({ status: 403, id: "admin_only" });
    expect(errorOf(await call("agent", "GET", "/api/inboxes/default/hours"))).toEqual({ status: 403, id: "admin_only" });
    expect(errorOf(await call("admin", "PUT", "/api/inboxes/nope/hours", hours))).toEqual({ status: 404, id: "inbox_not_found" });
    for (const bad of [
      { ...hours, timezone: "Mars/Olympus" },
      { ...hours, weekly: { ...hours.weekly, mon: [{ from: "18:00", to: "09:00" }] } },
      { ...hours, weekly: { ...hours.weekly, tue: [{ from: "25:00", to: "26:00" }] } },
      { ...hours, holidays: [{ date: "29.10.2026", name: "Bayram" }] },
      // A misspelt field would otherwise be dropped and its setting reset to the default.
      { ...hours, enabeld: false },
    ]) {
      expect(errorOf(await call("admin", "PUT", "/api/inboxes/default/hours", bad))).toEqual({ status: 400, id: "invalid_request" });
    }
    const saved = await call("admin", "PUT", "/api/inboxes/default/hours", hours);
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ inboxId: "default", hours: { enabled: true, timezone: "UTC" } });
    const lines = await listAudit(t.deps.domain.db, { limit: 10 });
    expect(lines.find((l) => l.action === "inbox.hours_update")).toMatchObject({ target_type: "inbox", target_id: "default" });
  });

  it("says the widget is closed outside hours with the next opening, offering a call back instead of Call", async () => {
    const now = t.clock.now();
    const today = todayUtc(now);
    const res = await call("admin", "PUT", "/api/inboxes/default/hours", { enabled: true, timezone: "UTC", weekly: weekExcept(today), holidays: [] });
    expect(res.statusCode, res.body).toBe(200);
    const closed = await config();
    const midnight = new Date(now);
    midnight.setUTCHours(24, 0, 0, 0);
    expect(closed.agentsOnline).toBe(false);
    expect(closed.availability).toEqual({ open: false, nextOpening: midnight.toISOString(), calls: false, callbacks: true });
  });

  it("is closed on a holiday, and open again when the holiday is removed", async () => {
    const date = new Date(t.clock.now()).toISOString().slice(0, 10);
    await call("admin", "PUT", "/api/inboxes/default/hours", { enabled: true, timezone: "UTC", weekly: weekExcept(), holidays: [{ date, name: "Bayram" }] });
    expect((await config()).availability.open).toBe(false);
    await call("admin", "PUT", "/api/inboxes/default/hours", { enabled: true, timezone: "UTC", weekly: weekExcept(), holidays: [] });
    expect((await config()).availability).toMatchObject({ open: true, nextOpening: null });
  });

  it("keeps the inbox's other settings when hours are saved", async () => {
    await t.deps.domain.db.updateTable("inboxes").set({ settings: JSON.stringify({ calls: { enabled: false } }) }).where("id", "=", "default").execute();
    await call("admin", "PUT", "/api/inboxes/default/hours", { enabled: false, timezone: "Europe/Berlin", weekly: weekExcept(), holidays: [] });
    const row = await t.deps.domain.db.selectFrom("inboxes").select("settings").where("id", "=", "default").executeTakeFirstOrThrow();
    expect(JSON.parse(row.settings)).toMatchObject({ calls: { enabled: false }, hours: { timezone: "Europe/Berlin" } });
    // Calls off for the inbox: neither Call nor a call back.
    expect((await config()).availability).toEqual({ open: true, nextOpening: null, calls: false, callbacks: false });
    await t.deps.domain.db.updateTable("inboxes").set({ settings: "{}" }).where("id", "=", "default").execute();
  });
});
