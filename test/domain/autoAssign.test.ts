import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/db/database.ts";
import { setAgentStatus } from "../../src/domain/assignment/agentStatus.ts";
import { assignWaiting } from "../../src/domain/assignment/autoAssign.ts";
import { requeueAndAssign } from "../../src/domain/assignment/requeue.ts";
import { setConversationStatus } from "../../src/domain/chat/conversations.ts";
import { addInbox, assigneeOf, memberAgent, setAutoAssign, waitingConversation } from "../support/assignmentFixture.ts";
import { testDatabases } from "../support/databases.ts";
import { startTestApp, type TestApp } from "../support/testApp.ts";

const REQUEUE_MS = 300_000;

describe.each(testDatabases())("automatic assignment on $name", (database) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  let t: TestApp;
  let n = 0;
  const unique = (name: string) => `${name}${++n}`;

  beforeAll(async () => {
    handle = await database.open();
    t = await startTestApp({ database: handle });
  });
  afterAll(async () => {
    await t.close();
    await handle.dispose();
  });
  beforeEach(async () => {
    // Each test starts with an empty queue: earlier tests' conversations are closed.
    await handle.db.updateTable("conversations").set({ status: "resolved" }).execute();
    await setAutoAssign(handle.db, { auto: true, capacity: 10 });
  });

  const timelineOf = (conversationId: string) =>
    handle.db.selectFrom("conversation_events").select(["kind", "actor_type", "data"]).where("conversation_id", "=", conversationId).orderBy("created_at").execute();

  it("gives the oldest waiting conversations round-robin to online members, and records it on the timeline", async () => {
    const d = t.deps.domain;
    const [a, b, c] = [await memberAgent(d, unique("ayse")), await memberAgent(d, unique("bora")), await memberAgent(d, unique("cem"))];
    const base = t.clock.now();
    // Created newest first, so the order of assignment follows age, not insertion.
    const ids = [];
    for (let i = 0; i < 4; i++) ids.unshift(await waitingConversation(handle.db, base - i * 1000));
    const done = await assignWaiting(d, [a.id, b.id, c.id]);
    expect(done.map((x) => x.conversationId)).toEqual(ids);
    const who = done.map((x) => x.agentId);
    // Everyone once before anyone twice; the fourth goes to whoever had the first.
    expect(new Set(who.slice(0, 3))).toEqual(new Set([a.id, b.id, c.id]));
    expect(who[3]).toBe(who[0]);
    for (const [i, id] of ids.entries()) expect(await assigneeOf(handle.db, id)).toBe(who[i]);
    const events = await timelineOf(ids[0] as string);
    expect(events).toEqual([{ kind: "assigned", actor_type: "system", data: JSON.stringify({ assigneeId: who[0] }) }]);
  });

  it("respects capacity and gives a freed place to the next waiting conversation", async () => {
    const d = t.deps.domain;
    await setAutoAssign(handle.db, { auto: true, capacity: 1 });
    const [a, b] = [await memberAgent(d, unique("deniz")), await memberAgent(d, unique("ece"))];
    const base = t.clock.now();
    const first = await waitingConversation(handle.db, base);
    const second = await waitingConversation(handle.db, base + 1);
    const third = await waitingConversation(handle.db, base + 2);
    const done = await assignWaiting(d, [a.id, b.id]);
    expect(done).toHaveLength(2);
    expect(await assigneeOf(handle.db, third)).toBeNull();
    const holder = (await assigneeOf(handle.db, first)) as string;
    expect([a.id, b.id]).toContain(holder);
    expect(await assigneeOf(handle.db, second)).toBe(holder === a.id ? b.id : a.id);

    await setConversationStatus(d, first, "resolved", { type: "agent", id: holder });
    expect(await assignWaiting(d, [a.id, b.id])).toEqual([{ conversationId: third, agentId: holder }]);
  });

  it("passes over agents who are away, offline, without a console, not members, or disabled, and inboxes without auto", async () => {
    const d = t.deps.domain;
    const away = await memberAgent(d, unique("fatma"));
    await setAgentStatus(d, away.id, "away", true);
    const offline = await memberAgent(d, unique("gul"));
    await setAgentStatus(d, offline.id, "offline", true);
    const noConsole = await memberAgent(d, unique("hakan"));
    const shop = unique("shop");
    await addInbox(handle.db, shop);
    const outsider = await memberAgent(d, unique("ilke"), shop);
    const disabled = await memberAgent(d, unique("jale"));
    await handle.db.updateTable("agents").set({ disabled_at: Date.now() }).where("id", "=", disabled.id).execute();
    const waiting = await waitingConversation(handle.db, t.clock.now());
    const connected = [away.id, offline.id, outsider.id, disabled.id];
    expect(await assignWaiting(d, connected)).toEqual([]);
    expect(await assigneeOf(handle.db, waiting)).toBeNull();

    const online = await memberAgent(d, unique("kaan"));
    await setAutoAssign(handle.db, { auto: false });
    expect(await assignWaiting(d, [...connected, noConsole.id, online.id])).toEqual([]);
    await setAutoAssign(handle.db, { auto: true });
    expect(await assignWaiting(d, [...connected, online.id])).toEqual([{ conversationId: waiting, agentId: online.id }]);
  });

  it("requeues an agent's open conversations after they were away for ASSIGNMENT_REQUEUE_S, to someone available", async () => {
    const d = t.deps.domain;
    const [a, b] = [await memberAgent(d, unique("leyla")), await memberAgent(d, unique("mert"))];
    const conversation = await waitingConversation(handle.db, t.clock.now());
    expect(await assignWaiting(d, [a.id])).toEqual([{ conversationId: conversation, agentId: a.id }]);

    await setAgentStatus(d, a.id, "away", true);
    t.clock.advance(REQUEUE_MS - 5_000);
    expect((await requeueAndAssign(d, [a.id, b.id], REQUEUE_MS)).requeued).toEqual([]);
    expect(await assigneeOf(handle.db, conversation)).toBe(a.id);

    t.clock.advance(10_000);
    const { requeued, assigned } = await requeueAndAssign(d, [a.id, b.id], REQUEUE_MS);
    expect(requeued).toEqual([conversation]);
    expect(assigned).toEqual([{ conversationId: conversation, agentId: b.id }]);
    const kinds = (await timelineOf(conversation)).map((e) => [e.kind, e.actor_type]);
    expect(kinds).toEqual([["assigned", "system"], ["unassigned", "system"], ["assigned", "system"]]);
  });

  it("requeues the conversations of an agent whose console has been closed that long, but not one who came back", async () => {
    const d = t.deps.domain;
    await setAutoAssign(handle.db, { auto: true, capacity: 1 });
    const [a, b, c] = [await memberAgent(d, unique("nil")), await memberAgent(d, unique("oya")), await memberAgent(d, unique("pelin"))];
    const ofA = await waitingConversation(handle.db, t.clock.now());
    const ofB = await waitingConversation(handle.db, t.clock.now() + 1);
    await assignWaiting(d, [a.id]);
    await assignWaiting(d, [b.id]);
    expect([await assigneeOf(handle.db, ofA), await assigneeOf(handle.db, ofB)]).toEqual([a.id, b.id]);

    // Both close the console (status stays online); the job sees it; b comes back before the time is up.
    await requeueAndAssign(d, [c.id], REQUEUE_MS);
    t.clock.advance(REQUEUE_MS / 2);
    await requeueAndAssign(d, [b.id, c.id], REQUEUE_MS);
    t.clock.advance(REQUEUE_MS / 2 + 1_000);
    const { requeued } = await requeueAndAssign(d, [b.id, c.id], REQUEUE_MS);
    expect(requeued).toEqual([ofA]);
    expect(await assigneeOf(handle.db, ofA)).toBe(c.id);
    expect(await assigneeOf(handle.db, ofB)).toBe(b.id);
  });
});
