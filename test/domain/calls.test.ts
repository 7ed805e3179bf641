import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/db/database.ts";
import { type AgentRow, insertAgent } from "../../src/adapters/db/repositories/agents.ts";
import { callCount, findCall, insertCall } from "../../src/adapters/db/repositories/calls.ts";
import { insertVisitor, type VisitorRow } from "../../src/adapters/db/repositories/chat.ts";
import { type CallDeps, callQueue, claimCall, expireUnansweredCalls, hangUp, placeCall, rejectCall } from "../../src/domain/calls/calls.ts";
import { type CallLimits, callUsage, localDay, visitorScope } from "../../src/domain/calls/limits.ts";
import { fixedSettings } from "../../src/domain/settings/installSettings.ts";
import { testDatabases } from "../support/databases.ts";
import { ManualClock } from "../support/testApp.ts";

describe("localDay", () => {
  it("starts the day at midnight in the configured time zone", () => {
    expect(localDay(Date.parse("2026-11-23T20:59:00Z"), "Europe/Istanbul")).toBe("2026-11-23");
    expect(localDay(Date.parse("2026-11-23T21:00:00Z"), "Europe/Istanbul")).toBe("2026-11-24");
    expect(localDay(Date.parse("2026-11-23T21:00:00Z"), "UTC")).toBe("2026-11-23");
  });
});

describe.each(testDatabases())("calls: queue, limits and claiming on $name", (database) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  const clock = new ManualClock();
  // The limits in force come from the install's settings (saved in the console, or the environment's).
  const deps = (overrides: Partial<Omit<CallLimits, "timezone">> = {}): CallDeps & { limits: CallLimits } => {
    const limits: CallLimits = { daily: 10, perVisitor: 3, perAgent: null, timezone: "Europe/Istanbul", ...overrides };
    const settings = fixedSettings({
      recording: "off",
      recordingRetentionDays: null,
      conversationRetentionDays: null,
      attachmentRetentionDays: null,
      callDailyLimit: limits.daily,
      callVisitorDailyLimit: limits.perVisitor,
      callAgentDailyLimit: limits.perAgent,
      ringTimeoutS: 60,
      preChat: { name: "optional", email: "optional", phone: "off" },
      languages: ["tr", "en"],
      telegramChatId: null,
    });
    return { db: handle.db, clock, calls: { timezone: limits.timezone }, settings, limits };
  };

  beforeAll(async () => {
    handle = await database.open();
  });
  afterAll(() => handle.dispose());

  async function visitor(): Promise<VisitorRow> {
    const row: VisitorRow = {
      id: randomUUID(), token_hash: randomUUID(), name: null, email: null, phone: null, language: null, user_agent: null,
      page_url: null, page_title: null, first_seen_at: 0, last_seen_at: 0, metadata: null, external_id: null,
      company: null, notes: null, merged_into: null, merged_at: null,
    };
    await insertVisitor(handle.db, row);
    return row;
  }
  async function agent(name: string): Promise<AgentRow> {
    const row: AgentRow = {
      id: randomUUID(), username: `${name}-${randomUUID().slice(0, 6)}`, name, password_hash: "x", role: "agent", telegram_chat_id: null,
      totp_secret: null, totp_pending_secret: null, totp_last_step: null, language: null, created_at: 0, updated_at: 0, disabled_at: null, last_login_at: null,
      status: "online", status_changed_at: null, last_auto_assigned_at: null, unavailable_since: null,
    };
    await insertAgent(handle.db, row);
    return row;
  }
  // Each test gets its own day, so the team's daily counter starts at zero.
  const newDay = () => clock.advance(24 * 60 * 60 * 1000);

  it("queues calls first come, first served, and a second press returns the same call", async () => {
    newDay();
    const [a, b] = [await visitor(), await visitor()];
    const first = await placeCall(deps(), a, { media: "audio", conversationId: null });
    clock.advance(10);
    const second = await placeCall(deps(), b, { media: "video", conversationId: null });
    expect((await placeCall(deps(), a, { media: "audio", conversationId: null })).id).toBe(first.id);
    const queue = (await callQueue(deps())).filter((q) => [first.id, second.id].includes(q.call.id));
    expect(queue.map((q) => q.call.id)).toEqual([first.id, second.id]);
    expect(queue[0]!.position).toBeLessThan(queue[1]!.position);
    expect(first).toMatchObject({ status: "queued", recording_mode: "off", consent_mode: null });
  });

  it("gives exactly one of two agents accepting at once the call, and tells the other who took it", async () => {
    newDay();
    const call = await placeCall(deps(), await visitor(), { media: "audio", conversationId: null });
    const [ayse, mehmet] = [await agent("Ayşe"), await agent("Mehmet")];
    const results = await Promise.allSettled([claimCall(deps(), ayse, call.id), claimCall(deps(), mehmet, call.id)]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const winner = (won[0] as PromiseFulfilledResult<{ agent_id: string }>).value.agent_id === ayse.id ? "Ayşe" : "Mehmet";
    expect(lost[0]!.reason).toMatchObject({ id: "call_taken", message: `${winner} took this call.` });
  });

  it("limits calls per visitor; a call the team rejected gives the caller's place back", async () => {
    newDay();
    const v = await visitor();
    const limited = deps({ perVisitor: 2 });
    const [boss] = [await agent("Boss")];
    const first = await placeCall(limited, v, { media: "audio", conversationId: null });
    await claimCall(limited, boss, first.id);
    await hangUp(limited, { visitorId: v.id }, first.id, "caller_hung_up");
    const rejected = await placeCall(limited, v, { media: "audio", conversationId: null });
    await rejectCall(limited, boss, rejected.id);
    const second = await placeCall(limited, v, { media: "audio", conversationId: null });
    await claimCall(limited, boss, second.id);
    await hangUp(limited, { agentId: boss.id }, second.id, "agent_hung_up");
    await expect(placeCall(limited, v, { media: "audio", conversationId: null })).rejects.toMatchObject({ id: "call_limit_visitor" });
    expect((await callUsage(handle.db, limited.limits, clock.now())).used).toBe(2); // answered calls only
  });

  it("never lets concurrent accepts pass the team's daily limit, which counts answered calls only", async () => {
    newDay();
    const limited = deps({ daily: 10 });
    const visitors = await Promise.all(Array.from({ length: 16 }, () => visitor()));
    // Waiting calls hold no team slot: all 16 queue.
    const calls = await Promise.all(visitors.map((v) => placeCall(limited, v, { media: "audio", conversationId: null })));
    expect(await callUsage(handle.db, limited.limits, clock.now())).toMatchObject({ used: 0, limit: 10 });
    const agents = await Promise.all(calls.map((_, i) => agent(`A${i}`)));
    const results = await Promise.allSettled(calls.map((c, i) => claimCall(limited, agents[i]!, c.id)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(10);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(refused).toHaveLength(6);
    for (const r of refused) expect(r.reason).toMatchObject({ id: "call_limit_team", message: "The team has answered its 10 calls for today." });
    expect(await callUsage(handle.db, limited.limits, clock.now())).toMatchObject({ used: 10, limit: 10 });
    // Once the team has answered its limit, a new caller is told at once, and that press does not
    // count against their own limit; a caller over their own limit is told that first.
    const late = await visitor();
    await expect(placeCall(limited, late, { media: "audio", conversationId: null })).rejects.toMatchObject({
      id: "call_limit_team",
      message: expect.stringMatching(/chat message/),
    });
    expect(await callCount(handle.db, visitorScope(late.id), localDay(clock.now(), "Europe/Istanbul"))).toBe(0);
    const spent = await visitor();
    const noVisitorCalls = deps({ daily: 10, perVisitor: 0 });
    await expect(placeCall(noVisitorCalls, spent, { media: "audio", conversationId: null })).rejects.toMatchObject({ id: "call_limit_visitor" });
  });

  it("does not let throwaway callers use up the team's quota: calls nobody answers take no team slot", async () => {
    newDay();
    const limited = deps({ daily: 2 });
    for (let round = 0; round < 3; round++) {
      const waiting = await Promise.all(Array.from({ length: 4 }, async () => placeCall(limited, await visitor(), { media: "audio", conversationId: null })));
      clock.advance(61_000);
      const missed = await expireUnansweredCalls(limited);
      expect(missed.map((c) => c.id)).toEqual(expect.arrayContaining(waiting.map((c) => c.id)));
    }
    expect((await callUsage(handle.db, limited.limits, clock.now())).used).toBe(0);
    const call = await placeCall(limited, await visitor(), { media: "audio", conversationId: null });
    await expect(claimCall(limited, await agent("Ready"), call.id)).resolves.toMatchObject({ status: "active" });
  });

  it("keeps a caller's own cancelled calls counted against their daily limit", async () => {
    newDay();
    const v = await visitor();
    const limited = deps({ perVisitor: 2 });
    for (let i = 0; i < 2; i++) {
      const call = await placeCall(limited, v, { media: "audio", conversationId: null });
      await hangUp(limited, { visitorId: v.id }, call.id, "caller_hung_up");
    }
    await expect(placeCall(limited, v, { media: "audio", conversationId: null })).rejects.toMatchObject({ id: "call_limit_visitor" });
  });

  it("makes one call of concurrent presses by one visitor (two tabs, a double click), counted once", async () => {
    newDay();
    const v = await visitor();
    const limited = deps({ perVisitor: 2 });
    const calls = await Promise.all(Array.from({ length: 5 }, () => placeCall(limited, v, { media: "audio", conversationId: null })));
    expect(new Set(calls.map((c) => c.id)).size).toBe(1);
    expect(await handle.db.selectFrom("calls").select("id").where("visitor_id", "=", v.id).execute()).toHaveLength(1);
    // Only one of the visitor's two calls for the day was used.
    await hangUp(limited, { visitorId: v.id }, calls[0]!.id, "caller_hung_up");
    await expect(placeCall(limited, v, { media: "audio", conversationId: null })).resolves.toMatchObject({ status: "queued" });
  });

  it("refuses a second live call of one visitor in the database itself", async () => {
    newDay();
    const v = await visitor();
    const first = await placeCall(deps(), v, { media: "audio", conversationId: null });
    await expect(insertCall(handle.db, { ...first, id: randomUUID() })).rejects.toThrow();
  });

  it("gives an agent one live call at a time, even when they accept two at once", async () => {
    newDay();
    const busy = await agent("Busy");
    const [a, b] = [
      await placeCall(deps(), await visitor(), { media: "audio", conversationId: null }),
      await placeCall(deps(), await visitor(), { media: "audio", conversationId: null }),
    ];
    const results = await Promise.allSettled([claimCall(deps(), busy, a.id), claimCall(deps(), busy, b.id)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refusedFirst = results[0]!.status === "rejected";
    const refused = (refusedFirst ? results[0] : results[1]) as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ id: "agent_busy" });
    // The other call still waits for someone free, and no team slot was spent on the refusal.
    const [left, won] = refusedFirst ? [a, b] : [b, a];
    expect((await findCall(handle.db, left.id))?.status).toBe("queued");
    expect((await callUsage(handle.db, deps().limits, clock.now())).used).toBe(1);
    await hangUp(deps(), { agentId: busy.id }, won.id, "agent_hung_up");
    await expect(claimCall(deps(), busy, left.id)).resolves.toMatchObject({ status: "active", agent_id: busy.id });
  });

  it("ends a missed call and queues its follow-up in one transaction", async () => {
    newDay();
    const call = await placeCall(deps(), await visitor(), { media: "audio", conversationId: null });
    clock.advance(61_000);
    const failing = async () => {
      throw new Error("outbox unavailable");
    };
    await expect(expireUnansweredCalls(deps(), failing)).rejects.toThrow("outbox unavailable");
    expect((await findCall(handle.db, call.id))?.status).toBe("queued");
    const noted: string[] = [];
    const missed = await expireUnansweredCalls(deps(), async (trx, row) => {
      noted.push(row.id);
      expect((await findCall(trx, row.id))?.status).toBe("missed");
    });
    expect(missed.map((c) => c.id)).toContain(call.id);
    expect(noted).toContain(call.id);
  });

  it("marks calls nobody answered in time as missed", async () => {
    newDay();
    const call = await placeCall(deps(), await visitor(), { media: "audio", conversationId: null });
    clock.advance(59_000);
    expect((await expireUnansweredCalls(deps())).map((c) => c.id)).not.toContain(call.id);
    clock.advance(2_000);
    const missed = await expireUnansweredCalls(deps());
    expect(missed.find((c) => c.id === call.id)).toMatchObject({ status: "missed", end_reason: "ring_timeout" });
    await expect(claimCall(deps(), await agent("Late"), call.id)).rejects.toMatchObject({ id: "call_not_waiting" });
  });

  it("rings for the inbox's own ring time when it has one, the install's otherwise", async () => {
    newDay();
    const now = clock.now();
    await handle.db
      .insertInto("inboxes")
      .values({ id: "quick-shop", name: "Quick shop", settings: JSON.stringify({ calls: { ringTimeoutS: 20 } }), created_at: now, updated_at: now })
      .execute();
    const quick = await placeCall(deps(), await visitor(), { media: "audio", conversationId: null, inboxId: "quick-shop" });
    const usual = await placeCall(deps(), await visitor(), { media: "audio", conversationId: null });
    clock.advance(21_000);
    const missed = (await expireUnansweredCalls(deps())).map((c) => c.id);
    expect(missed).toContain(quick.id);
    expect(missed).not.toContain(usual.id);
    clock.advance(40_000);
    expect((await expireUnansweredCalls(deps())).map((c) => c.id)).toContain(usual.id);
  });

  it("computes the duration on the server and lets only participants hang up", async () => {
    newDay();
    const v = await visitor();
    const call = await placeCall(deps(), v, { media: "audio", conversationId: null });
    const taker = await agent("Taker");
    await claimCall(deps(), taker, call.id);
    clock.advance(42_000);
    await expect(hangUp(deps(), { visitorId: (await visitor()).id }, call.id, "x")).rejects.toMatchObject({ id: "not_in_call" });
    const { call: ended, changed } = await hangUp(deps(), { agentId: taker.id }, call.id, "agent_hung_up");
    expect(changed).toBe(true);
    expect(ended.status).toBe("ended");
    const stored = (await findCall(handle.db, call.id))!;
    expect(stored.duration_ms).toBe(stored.ended_at! - stored.answered_at!);
    expect(stored.duration_ms).toBeGreaterThanOrEqual(42_000);
    expect(ended.duration_ms).toBe(stored.duration_ms);
  });

  it("enforces the optional per-agent limit", async () => {
    newDay();
    const solo = await agent("Solo");
    const limited = deps({ perAgent: 1 });
    const first = await placeCall(limited, await visitor(), { media: "audio", conversationId: null });
    await claimCall(limited, solo, first.id);
    await hangUp(limited, { agentId: solo.id }, first.id, "agent_hung_up");
    const second = await placeCall(limited, await visitor(), { media: "audio", conversationId: null });
    await expect(claimCall(limited, solo, second.id)).rejects.toMatchObject({ id: "call_limit_agent" });
    expect((await callQueue(limited)).map((q) => q.call.id)).toContain(second.id); // still waiting for someone else
  });
});
