import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentRow, findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { insertCall } from "../../src/adapters/db/repositories/calls.ts";
import { insertMessage, insertVisitor } from "../../src/adapters/db/repositories/chat.ts";
import { addInboxMembers, insertInbox } from "../../src/adapters/db/repositories/inboxes.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import type { Report } from "../../src/protocol/reports.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { addAgent, startTestApp, type TestApp } from "../support/testApp.ts";

// Exact figures on seeded data: local days and busiest hours across midnight in Europe/Istanbul
// (+03:00) and across the end of summer time in Europe/Berlin, percentiles as percentile_cont
// interpolates them, ratings, calls, online time, agents limited to their inboxes, and the CSV files.

const at = (iso: string) => Date.parse(iso);
const S = 1000;

describe.each(testDatabases())("reports on $name", (database: TestDatabase) => {
  let t: TestApp;
  let dispose: () => Promise<void>;
  const tokens: Record<string, string> = {};
  const agents: Record<string, AgentRow> = {};

  const get = (who: string, url: string) => t.app.inject({ method: "GET", url, headers: { authorization: `Bearer ${tokens[who]}` } });
  const reportOf = async (who: string, query: string) => {
    const res = await get(who, `/api/reports?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Report;
  };

  beforeAll(async () => {
    const db = await database.open();
    dispose = db.dispose;
    t = await startTestApp({ database: db, env: { TIMEZONE: "Europe/Istanbul" } });
    const domain = t.deps.domain;
    for (const name of ["admin", "ayse", "bora", "cem"]) {
      await addAgent(t.deps, name, { admin: name === "admin" });
      const row = (await findAgentByUsername(domain.db, name))!;
      agents[name] = row;
      tokens[name] = (await startSession(domain, row, { ip: null, userAgent: null })).accessToken;
    }
    await insertInbox(domain.db, { id: "sales", name: "Sales", settings: "{}", created_at: 0, updated_at: 0 });
    await addInboxMembers(domain.db, "sales", [agents.cem!.id], 0);
    await domain.db.deleteFrom("inbox_members").where("agent_id", "=", agents.cem!.id).where("inbox_id", "=", "default").execute();

    const visitorId = randomUUID();
    await insertVisitor(domain.db, {
      id: visitorId, token_hash: randomUUID(), name: "Zeynep", email: null, phone: null, language: null, user_agent: null, page_url: null, page_title: null,
      first_seen_at: 0, last_seen_at: 0, metadata: null, external_id: null, company: null, notes: null, merged_into: null, merged_at: null,
    });
    const conversation = async (o: { created: string; inbox?: string; assignee?: string; reply?: number; resolve?: number; rating?: number }) => {
      const id = randomUUID();
      const created = at(o.created);
      const resolvedAt = o.resolve === undefined ? null : created + o.resolve * S;
      await domain.db.insertInto("conversations").values({
        id, visitor_id: visitorId, status: resolvedAt === null ? "open" : "resolved", assignee_id: o.assignee ? agents[o.assignee]!.id : null, page_url: null, last_seq: 2,
        last_message_at: created, last_message_preview: null, last_message_author: null, visitor_delivered_seq: 0, visitor_read_seq: 0, agent_delivered_seq: 0,
        agent_read_seq: 0, unread_for_agents: 0, created_at: created, updated_at: created, resolved_at: resolvedAt, inbox_id: o.inbox ?? "default",
      }).execute();
      const message = (seq: number, author: "visitor" | "agent", when: number) => ({
        id: randomUUID(), conversation_id: id, seq, client_id: randomUUID(), author_type: author, author_id: author === "agent" && o.assignee ? agents[o.assignee]!.id : null,
        body: "merhaba", via: author === "agent" ? ("console" as const) : ("widget" as const), created_at: when,
      });
      // Through the repository that stores every message: an agent's first one marks the conversation's first reply.
      await insertMessage(domain.db, message(1, "visitor", created));
      // A later agent message too: the first one counts.
      if (o.reply !== undefined) for (const [seq, after] of [[2, o.reply], [3, o.reply + 50]] as const) await insertMessage(domain.db, message(seq, "agent", created + after * S));
      if (o.rating !== undefined && resolvedAt !== null) {
        await domain.db.insertInto("conversation_ratings").values({ conversation_id: id, visitor_id: visitorId, score: o.rating, comment: null, created_at: resolvedAt, updated_at: resolvedAt }).execute();
      }
    };
    // Istanbul, 2026-11-10 (Tuesday) and 11-11: 23:59 local is 20:59 UTC.
    await conversation({ created: "2026-11-10T08:00:00Z", assignee: "ayse", reply: 60, resolve: 600, rating: 5 });
    await conversation({ created: "2026-11-10T09:00:00Z", assignee: "ayse", reply: 120, resolve: 1200, rating: 4 });
    await conversation({ created: "2026-11-10T20:59:00Z", assignee: "bora", reply: 180 });
    await conversation({ created: "2026-11-10T21:00:00Z", assignee: "bora", reply: 240, resolve: 1800, rating: 1 });
    await conversation({ created: "2026-11-11T10:00:00Z" });
    await conversation({ created: "2026-11-11T11:00:00Z", inbox: "sales", assignee: "cem", reply: 30, resolve: 300, rating: 3 });
    await conversation({ created: "2026-11-09T20:59:00Z", assignee: "ayse", reply: 1 }); // 11-09 23:59 local: before the range
    await conversation({ created: "2026-11-11T21:00:00Z", assignee: "ayse", reply: 1 }); // 11-12 00:00 local: after it
    // Berlin: summer time ends 2026-10-25 at 01:00 UTC (03:00 CEST -> 02:00 CET), so 02:30 happens twice.
    for (const created of ["2026-10-23T21:59:00Z", "2026-10-24T21:59:00Z", "2026-10-24T22:00:00Z", "2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z", "2026-10-25T22:59:00Z", "2026-10-25T23:00:00Z"]) {
      await conversation({ created });
    }

    const call = async (o: { created: string; status: "ended" | "missed" | "rejected"; inbox?: string; agent?: string; wait?: number; duration?: number }) => {
      const created = at(o.created);
      const answered = o.wait === undefined ? null : created + o.wait * S;
      await insertCall(domain.db, {
        id: randomUUID(), visitor_id: visitorId, conversation_id: null, agent_id: o.agent ? agents[o.agent]!.id : null, status: o.status, media: "audio", recording_mode: "off",
        created_at: created, answered_at: answered, ended_at: created + 600 * S, duration_ms: o.duration === undefined ? null : o.duration * S, end_reason: null,
        mix_status: null, consent_mode: null, consent_at: null, consent_version: null, inbox_id: o.inbox ?? "default",
      });
    };
    await call({ created: "2026-11-10T08:00:00Z", status: "ended", agent: "ayse", wait: 10, duration: 120 });
    await call({ created: "2026-11-10T09:00:00Z", status: "ended", agent: "ayse", wait: 20, duration: 60 });
    await call({ created: "2026-11-11T08:00:00Z", status: "missed" });
    await call({ created: "2026-11-11T09:00:00Z", status: "rejected" });
    await call({ created: "2026-11-11T12:00:00Z", status: "ended", inbox: "sales", agent: "cem", wait: 5, duration: 30 });
    await call({ created: "2026-11-12T12:00:00Z", status: "missed" }); // after the range

    const availability = async (who: string, available: boolean, iso: string) => {
      await domain.db.insertInto("agent_availability").values({ id: randomUUID(), agent_id: agents[who]!.id, available: available ? 1 : 0, at: at(iso) }).execute();
    };
    await availability("ayse", true, "2026-11-10T06:00:00Z");
    await availability("ayse", false, "2026-11-10T14:00:00Z"); // 8 h
    await availability("ayse", true, "2026-11-11T20:00:00Z"); // still on at the range's end (21:00 UTC): 1 h
    await availability("bora", true, "2026-11-09T12:00:00Z"); // on when the range starts (11-09 21:00 UTC)
    await availability("bora", false, "2026-11-10T00:00:00Z"); // 3 h of it in the range
  });

  afterAll(async () => {
    await t?.close();
    await dispose?.();
  });

  it("counts conversations per local day and per weekday and hour across midnight in Europe/Istanbul", async () => {
    const r = await reportOf("admin", "from=2026-11-10&to=2026-11-11");
    expect(r.timeZone).toBe("Europe/Istanbul");
    expect(r.conversationsPerDay).toEqual([{ date: "2026-11-10", conversations: 3 }, { date: "2026-11-11", conversations: 3 }]);
    const cells = r.busiestHours.flatMap((hours, day) => hours.flatMap((n, hour) => (n > 0 ? [[day, hour, n]] : [])));
    // Tuesday 11:00, 12:00, 23:00; Wednesday 00:00, 13:00, 14:00.
    expect(cells).toEqual([[1, 11, 1], [1, 12, 1], [1, 23, 1], [2, 0, 1], [2, 13, 1], [2, 14, 1]]);
  });

  it("counts across the end of summer time in Europe/Berlin, whose 25-hour day has 02:00 twice", async () => {
    const r = await reportOf("admin", "from=2026-10-24&to=2026-10-25&timeZone=Europe/Berlin");
    expect(r.conversationsPerDay).toEqual([{ date: "2026-10-24", conversations: 1 }, { date: "2026-10-25", conversations: 4 }]);
    const cells = r.busiestHours.flatMap((hours, day) => hours.flatMap((n, hour) => (n > 0 ? [[day, hour, n]] : [])));
    expect(cells).toEqual([[5, 23, 1], [6, 0, 1], [6, 2, 2], [6, 23, 1]]);
    // The same instants in UTC fall on other days.
    const utc = await reportOf("admin", "from=2026-10-24&to=2026-10-25&timeZone=UTC");
    expect(utc.conversationsPerDay).toEqual([{ date: "2026-10-24", conversations: 2 }, { date: "2026-10-25", conversations: 4 }]);
  });

  it("gives medians and 90th percentiles as percentile_cont does", async () => {
    const r = await reportOf("admin", "from=2026-11-10&to=2026-11-11");
    // First replies 30, 60, 120, 180, 240 s: p90 sits at 3.6 -> 180 + 0.6 × 60.
    expect(r.firstResponse).toEqual({ count: 5, medianMs: 120_000, p90Ms: 216_000 });
    // Resolved in 300, 600, 1200, 1800 s: median at 1.5 -> 900, p90 at 2.7 -> 1200 + 0.7 × 600.
    expect(r.resolution.count).toBe(4);
    expect(r.resolution.medianMs).toBe(900_000);
    expect(r.resolution.p90Ms).toBeCloseTo(1_620_000, 6);
    expect(r.ratings).toEqual({ count: 4, average: 3.25, distribution: [{ score: 1, count: 1 }, { score: 2, count: 0 }, { score: 3, count: 1 }, { score: 4, count: 1 }, { score: 5, count: 1 }] });
    expect(r.calls.total).toBe(5);
    expect(r.calls).toMatchObject({ answered: 3, missed: 1, rejected: 1, averageDurationMs: 70_000 });
    expect(r.calls.averageWaitMs).toBeCloseTo(35_000 / 3, 6);
  });

  it("sums online time from availability changes and counts each agent's conversations", async () => {
    const r = await reportOf("admin", "from=2026-11-10&to=2026-11-11");
    const row = (name: string) => r.agents.find((a) => a.agentId === agents[name]!.id);
    expect(row("ayse")).toMatchObject({ name: "Agent ayse", onlineMs: 9 * 3600_000, conversations: 2, resolved: 2 });
    expect(row("bora")).toMatchObject({ onlineMs: 3 * 3600_000, conversations: 2, resolved: 1 });
    expect(row("cem")).toMatchObject({ onlineMs: 0, conversations: 1, resolved: 1 });
    expect(row("admin")).toMatchObject({ onlineMs: 0, conversations: 0 });
  });

  it("narrows to one agent", async () => {
    const r = await reportOf("admin", `from=2026-11-10&to=2026-11-11&agentId=${agents.ayse!.id}`);
    expect(r.conversationsPerDay.map((d) => d.conversations)).toEqual([2, 0]);
    expect(r.firstResponse).toEqual({ count: 2, medianMs: 90_000, p90Ms: 114_000 });
    expect(r.calls).toMatchObject({ total: 2, answered: 2, missed: 0, averageDurationMs: 90_000, averageWaitMs: 15_000 });
    expect(r.agents.map((a) => a.name)).toEqual(["Agent ayse"]);
  });

  it("shows an agent only their inboxes' figures, and refuses another inbox", async () => {
    const r = await reportOf("ayse", "from=2026-11-10&to=2026-11-11");
    expect(r.conversationsPerDay.map((d) => d.conversations)).toEqual([3, 2]);
    // 60, 120, 180, 240 s: median 150, p90 at 2.7 -> 180 + 0.7 × 60.
    expect(r.firstResponse.count).toBe(4);
    expect(r.firstResponse.medianMs).toBe(150_000);
    expect(r.firstResponse.p90Ms).toBeCloseTo(222_000, 6);
    expect(r.ratings.count).toBe(3);
    expect(r.calls).toMatchObject({ total: 4, answered: 2 });
    expect(r.agents.map((a) => a.name)).not.toContain("Agent cem");
    const sales = await get("ayse", "/api/reports?from=2026-11-10&to=2026-11-11&inboxId=sales");
    expect(sales.statusCode).toBe(404);
    expect(sales.json()).toMatchObject({ error: { id: "inbox_not_found" } });
    const cem = await reportOf("cem", "from=2026-11-10&to=2026-11-11");
    expect(cem.conversationsPerDay.map((d) => d.conversations)).toEqual([0, 1]);
    expect(cem.agents.map((a) => a.name)).toEqual(["Agent cem"]);
    const adminSales = await reportOf("admin", "from=2026-11-10&to=2026-11-11&inboxId=sales");
    expect(adminSales.calls.total).toBe(1);
  });

  it("exports each table as CSV with a header row", async () => {
    const csv = async (table: string, who = "admin") => {
      const res = await get(who, `/api/reports/csv?from=2026-11-10&to=2026-11-11&table=${table}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
      expect(res.headers["content-disposition"]).toContain(`reports-${table}-2026-11-10-2026-11-11.csv`);
      return res.body;
    };
    expect(await csv("conversations")).toBe("date,conversations\r\n2026-11-10,3\r\n2026-11-11,3\r\n");
    expect(await csv("response-times")).toBe("measure,conversations,median_seconds,p90_seconds\r\nfirst_response,5,120,216\r\nresolution,4,900,1620\r\n");
    expect(await csv("ratings")).toBe("score,ratings\r\n1,1\r\n2,0\r\n3,1\r\n4,1\r\n5,1\r\n");
    expect(await csv("calls")).toBe("total,answered,missed,rejected,average_duration_seconds,average_wait_seconds\r\n5,3,1,1,70,11.7\r\n");
    const hours = (await csv("busiest-hours")).split("\r\n");
    expect(hours[0]).toBe(`weekday,${Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, "0")}:00`).join(",")}`);
    expect(hours[2]).toBe(`Tuesday,${Array.from({ length: 24 }, (_, h) => ([11, 12, 23].includes(h) ? 1 : 0)).join(",")}`);
    expect(hours).toHaveLength(9);
    expect(await csv("agents", "ayse")).toBe("agent,online_minutes,conversations,resolved\r\nAgent admin,0,0,0\r\nAgent ayse,540,2,2\r\nAgent bora,180,2,1\r\n");
  });

  it("covers the last 7 days, today included, when no range is asked for", async () => {
    const r = await reportOf("admin", "timeZone=Pacific/Kiritimati");
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Pacific/Kiritimati" }).format(new Date(t.clock.now()));
    expect(r.to).toBe(today);
    expect(r.conversationsPerDay).toHaveLength(7);
    expect(r.conversationsPerDay[6]?.date).toBe(today);
  });

  it("refuses a bad range or zone with a 400", async () => {
    for (const query of ["from=2026-11-11&to=2026-11-10", "from=2026-02-30&to=2026-03-01", "from=2025-01-01&to=2026-12-31", "from=2026-11-10&to=2026-11-11&timeZone=Mars/Olympus", "to=2026-11-11", "from=2026-11-10", "from=2026-11-10&to=2026-11-11&agentId=x"]) {
      expect((await get("admin", `/api/reports?${query}`)).statusCode, query).toBe(400);
    }
    expect((await get("admin", "/api/reports/csv?from=2026-11-10&to=2026-11-11&table=secrets")).statusCode).toBe(400);
    expect((await t.app.inject({ method: "GET", url: "/api/reports?from=2026-11-10&to=2026-11-11" })).statusCode).toBe(401);
  });
});
