import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/db/database.ts";
import { type AgentRow, insertAgent } from "../../src/adapters/db/repositories/agents.ts";
import { insertVisitor, type VisitorRow } from "../../src/adapters/db/repositories/chat.ts";
import { type CallDeps, callQueue, claimCall, expireUnansweredCalls, hangUp, placeCall, rejectCall } from "../../src/domain/calls/calls.ts";
import { callUsage, localDay } from "../../src/domain/calls/limits.ts";
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
  const deps = (overrides: Partial<CallDeps["calls"]["limits"]> = {}): CallDeps => ({
    db: handle.db,
    clock,
    calls: { ringTimeoutMs: 60_000, recording: "audio", limits: { daily: 10, perVisitor: 3, perAgent: null, timezone: "Europe/Istanbul", ...overrides } },
  });

  beforeAll(async () => {
    handle = await database.open();
  });
  afterAll(() => handle.dispose());

  async function visitor(): Promise<VisitorRow> {
    const row: VisitorRow = {
      id: randomUUID(), token_hash: randomUUID(), name: null, email: null, phone: null, language: null, user_agent: null,
      page_url: null, page_title: null, first_seen_at: 0, last_seen_at: 0, metadata: null, external_id: null,
    };
    await insertVisitor(handle.db, row);
    return row;
  }
  async function agent(name: string): Promise<AgentRow> {
    const row: AgentRow = {
      id: randomUUID(), username: `${name}-${randomUUID().slice(0, 6)}`, name, password_hash: "x", role: "agent", telegram_chat_id: null,
      totp_secret: null, totp_pending_secret: null, totp_last_step: null, language: null, created_at: 0, updated_at: 0, disabled_at: null, last_login_at: null,
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
    expect(first).toMatchObject({ status: "queued", recording_mode: "audio" });
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

  it("never lets concurrent callers pass the team's daily limit", async () => {
    newDay();
    const visitors = await Promise.all(Array.from({ length: 16 }, () => visitor()));
    const results = await Promise.allSettled(visitors.map((v) => placeCall(deps({ daily: 10 }), v, { media: "audio", conversationId: null })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(10);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(refused).toHaveLength(6);
    expect(refused[0]!.reason).toMatchObject({ id: "call_limit_team" });
    expect(refused[0]!.reason.message).toMatch(/chat message/);
    expect(await callUsage(handle.db, deps().calls.limits, clock.now())).toMatchObject({ used: 10, limit: 10 });
  });

  it("limits calls per visitor, and an unanswered call gives its place back", async () => {
    newDay();
    const v = await visitor();
    const limited = deps({ perVisitor: 2 });
    const [boss] = [await agent("Boss")];
    const first = await placeCall(limited, v, { media: "audio", conversationId: null });
    await claimCall(limited, boss, first.id);
    await hangUp(limited, { visitorId: v.id }, first.id, "caller_hung_up");
    const second = await placeCall(limited, v, { media: "audio", conversationId: null });
    await claimCall(limited, boss, second.id);
    await hangUp(limited, { agentId: boss.id }, second.id, "agent_hung_up");
    await expect(placeCall(limited, v, { media: "audio", conversationId: null })).rejects.toMatchObject({ id: "call_limit_visitor" });

    const other = await visitor();
    const waiting = await placeCall(limited, other, { media: "audio", conversationId: null });
    await rejectCall(limited, boss, waiting.id);
    const usage = await callUsage(handle.db, limited.calls.limits, clock.now());
    expect(usage.used).toBe(2); // the rejected call was given back
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

  it("computes the duration on the server and lets only participants hang up", async () => {
    newDay();
    const v = await visitor();
    const call = await placeCall(deps(), v, { media: "audio", conversationId: null });
    const taker = await agent("Taker");
    await claimCall(deps(), taker, call.id);
    clock.advance(42_000);
    await expect(hangUp(deps(), { visitorId: (await visitor()).id }, call.id, "x")).rejects.toMatchObject({ id: "not_in_call" });
    const ended = await hangUp(deps(), { agentId: taker.id }, call.id, "agent_hung_up");
    expect(ended.status).toBe("ended");
    expect(ended.duration_ms).toBeGreaterThanOrEqual(42_000);
    expect(ended.duration_ms).toBeLessThan(45_000);
  });

  it("enforces the optional per-agent limit", async () => {
    newDay();
    const solo = await agent("Solo");
    const limited = deps({ perAgent: 1 });
    const first = await placeCall(limited, await visitor(), { media: "audio", conversationId: null });
    await claimCall(limited, solo, first.id);
    const second = await placeCall(limited, await visitor(), { media: "audio", conversationId: null });
    await expect(claimCall(limited, solo, second.id)).rejects.toMatchObject({ id: "call_limit_agent" });
    expect((await callQueue(limited)).map((q) => q.call.id)).toContain(second.id); // still waiting for someone else
  });
});
