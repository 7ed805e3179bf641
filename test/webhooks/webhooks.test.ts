import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { findAgentByUsername, type AgentRow } from "../../src/adapters/db/repositories/agents.ts";
import { insertVisitor, type VisitorRow } from "../../src/adapters/db/repositories/chat.ts";
import { listAudit } from "../../src/adapters/db/repositories/audit.ts";
import { MAX_ATTEMPTS, RETRY_DELAYS_MS, startWebhookJob, type WebhookJob } from "../../src/adapters/webhooks/webhookJob.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import { acceptCall, hangUpCall, missUnansweredCalls, startCall } from "../../src/domain/calls/callService.ts";
import { setConversationStatus } from "../../src/domain/chat/conversations.ts";
import { sendAgentMessage, sendVisitorMessage } from "../../src/domain/chat/messages.ts";
import { rateConversation } from "../../src/domain/chat/timeline.ts";
import { erasePerson } from "../../src/domain/privacy/erasePerson.ts";
import { WEBHOOK_EVENTS, type WebhookDeliveryView, type WebhookView } from "../../src/protocol/webhooks.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { addAgent, startTestApp, type TestApp } from "../support/testApp.ts";
import { WebhookReceiver } from "../support/webhookReceiver.ts";

// Outgoing webhooks end to end on each database: a real HTTP receiver (node:http) that checks every
// signature, every event type, a receiver that is down and then up (retried on the backoff
// schedule, on the test clock, and delivered once), order per conversation, Redeliver, and the
// admin routes with their rules.

const POLL = { timeout: 15_000, interval: 25 };

describe.each(testDatabases())("outgoing webhooks on $name", (database: TestDatabase) => {
  let t: TestApp;
  let dispose: () => Promise<void>;
  let job: WebhookJob | undefined;
  let admin: AgentRow;
  let agent: AgentRow;
  const receivers: WebhookReceiver[] = [];

  /** A request with a fresh session of `who`: the tests move the clock past any token's lifetime. */
  const call = async (method: "GET" | "POST" | "PATCH" | "DELETE", url: string, payload?: object, who: AgentRow = admin) => {
    const token = (await startSession(t.deps.domain, who, { ip: null, userAgent: null })).accessToken;
    return t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
  };
  const errorOf = (res: { statusCode: number; json(): unknown }) => ({ status: res.statusCode, id: (res.json() as { error: { id: string } }).error.id });

  /** A receiver listening, and a webhook of `events` pointing at it (its secret given to the receiver). */
  async function hooked(events: readonly string[] = WEBHOOK_EVENTS) {
    const receiver = await new WebhookReceiver().start();
    receivers.push(receiver);
    const res = await call("POST", "/api/webhooks", { url: receiver.url, events });
    expect(res.statusCode, res.body).toBe(201);
    const { webhook } = res.json() as { webhook: WebhookView };
    receiver.secret = webhook.secret;
    return { receiver, webhook };
  }

  async function visitor(name = "Ayşe"): Promise<VisitorRow> {
    const row: VisitorRow = {
      id: randomUUID(), token_hash: randomUUID(), name, email: null, phone: null, language: "tr", user_agent: null,
      page_url: null, page_title: null, first_seen_at: 0, last_seen_at: 0, metadata: null, external_id: null,
      company: null, notes: null, merged_into: null, merged_at: null,
    };
    await insertVisitor(t.deps.domain.db, row);
    return row;
  }
  const write = (v: VisitorRow, body: string) =>
    sendVisitorMessage(t.deps.domain, v, { clientId: randomUUID(), body, attachmentIds: [], origin: { address: "127.0.0.1" } });

  async function deliveries(webhookId: string): Promise<WebhookDeliveryView[]> {
    const res = await call("GET", `/api/webhooks/${webhookId}/deliveries`);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { deliveries: WebhookDeliveryView[] }).deliveries;
  }

  /** Waits until the webhook's only delivery has been tried `attempts` times and the try is recorded (its lease let go). */
  async function tried(webhookId: string, attempts: number) {
    await expect
      .poll(async () => {
        const row = await t.deps.domain.db.selectFrom("webhook_deliveries").select(["attempts", "lease_owner"]).where("webhook_id", "=", webhookId).executeTakeFirst();
        return row && row.lease_owner === null ? row.attempts : -1;
      }, POLL)
      .toBe(attempts);
  }

  /** Deletes every webhook, so each test hears only its own. */
  async function clearWebhooks() {
    const res = await call("GET", "/api/webhooks");
    for (const webhook of (res.json() as { webhooks: WebhookView[] }).webhooks) await call("DELETE", `/api/webhooks/${webhook.id}`);
  }

  beforeAll(async () => {
    const db = await database.open();
    dispose = db.dispose;
    t = await startTestApp({ database: db, env: { WEBHOOK_ALLOW_PRIVATE: "true", RATE_LIMIT_PER_MINUTE: "1000000", CALL_VISITOR_DAILY_LIMIT: "100", CALL_DAILY_LIMIT: "100" } });
    await addAgent(t.deps, "admin", { admin: true });
    await addAgent(t.deps, "ayse");
    admin = (await findAgentByUsername(t.deps.domain.db, "admin"))!;
    agent = (await findAgentByUsername(t.deps.domain.db, "ayse"))!;
    job = startWebhookJob(t.deps, { idleMs: 20, timeoutMs: 10_000 });
  }, 60_000);
  afterEach(async () => {
    await clearWebhooks();
    for (const receiver of receivers.splice(0)) await receiver.stop();
  });
  afterAll(async () => {
    await job?.stop();
    await t?.close();
    await dispose?.();
  });

  it("delivers every event type, each signed, with its headers and a payload of the documented shape", async () => {
    const { receiver } = await hooked();
    const v = await visitor();
    const first = await write(v, "Merhaba, siparişim nerede?");
    const conversationId = first.conversation.id;
    await sendAgentMessage(t.deps.domain, agent, { conversationId, clientId: randomUUID(), body: "Bakıyorum", attachmentIds: [], via: "console" });
    await setConversationStatus(t.deps.domain, conversationId, "resolved", { type: "agent", id: agent.id });
    await rateConversation(t.deps.domain, v, { conversationId, score: 5, comment: "Çok hızlı" });
    // A call nobody answers is missed once its ring time passes; the next is answered and hung up.
    const caller = await visitor("Bora");
    const missed = await startCall(t.deps.domain, caller, "audio");
    t.clock.advance(61_000);
    await missUnansweredCalls(t.deps.domain);
    const answered = await startCall(t.deps.domain, caller, "audio");
    await acceptCall(t.deps.domain, agent, answered.call.id);
    await hangUpCall(t.deps.domain, { agentId: agent.id }, answered.call.id, "agent_hung_up");

    await expect.poll(() => receiver.events().length, POLL).toBe(7);
    // The conversation's events in the order they happened; the calls (no conversation) are not held behind them.
    const ofConversation = receiver.received.filter((r) => "conversation" in r.payload.data).map((r) => r.payload.event);
    expect(ofConversation).toEqual(["conversation.created", "message.created", "message.created", "conversation.resolved", "rating.created"]);
    expect(receiver.events().filter((e) => e.startsWith("call."))).toEqual(["call.missed", "call.ended"]);
    const byEvent = (event: string, nth = 0) => receiver.received.filter((r) => r.payload.event === event)[nth]!.payload;
    for (const delivery of receiver.received) {
      expect(delivery.signatureValid, delivery.payload.event).toBe(true);
      expect(delivery.headers["x-destek-event"]).toBe(delivery.payload.event);
      expect(delivery.headers["x-destek-signature"]).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(Number(delivery.headers["x-destek-timestamp"])).toBeGreaterThan(1_700_000_000);
      expect(delivery.headers["content-type"]).toBe("application/json");
      expect(delivery.deliveryId).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Date(delivery.payload.timestamp).toISOString()).toBe(delivery.payload.timestamp);
    }
    const [created, message, reply, resolved, rating, missedCall, endedCall] = [
      byEvent("conversation.created"), byEvent("message.created"), byEvent("message.created", 1), byEvent("conversation.resolved"),
      byEvent("rating.created"), byEvent("call.missed"), byEvent("call.ended"),
    ];
    expect(created).toMatchObject({ event: "conversation.created", data: { conversation: { id: conversationId, visitor: { name: "Ayşe" } }, message: { body: "Merhaba, siparişim nerede?" } } });
    expect(message).toMatchObject({ event: "message.created", data: { message: { body: "Merhaba, siparişim nerede?", author: { type: "visitor" } } } });
    expect(reply).toMatchObject({ event: "message.created", data: { message: { body: "Bakıyorum", author: { type: "agent", id: agent.id } } } });
    expect(resolved).toMatchObject({ event: "conversation.resolved", data: { conversation: { id: conversationId, status: "resolved" }, resolvedBy: { type: "agent", id: agent.id } } });
    expect(rating).toMatchObject({ event: "rating.created", data: { rating: { conversationId, score: 5, comment: "Çok hızlı" } } });
    expect(missedCall).toMatchObject({ event: "call.missed", data: { call: { id: missed.call.id, status: "missed" } } });
    expect(endedCall).toMatchObject({ event: "call.ended", data: { call: { id: answered.call.id, status: "ended", agent: { id: agent.id } } } });
    // Each event has an id of its own; the delivery ids differ from them.
    expect(new Set(receiver.received.map((r) => r.payload.id)).size).toBe(7);
  }, 60_000);

  it("sends only the events a webhook takes, to enabled webhooks only", async () => {
    const { receiver: resolvedOnly, webhook } = await hooked(["conversation.resolved"]);
    const { receiver: off, webhook: disabled } = await hooked(["message.created"]);
    expect((await call("PATCH", `/api/webhooks/${disabled.id}`, { enabled: false })).statusCode).toBe(200);
    const v = await visitor();
    const { conversation } = await write(v, "Hello");
    await setConversationStatus(t.deps.domain, conversation.id, "resolved");
    await expect.poll(() => resolvedOnly.events(), POLL).toEqual(["conversation.resolved"]);
    expect(resolvedOnly.received[0]?.payload).toMatchObject({ data: { resolvedBy: { type: "system" } } });
    expect(off.received).toEqual([]);
    expect(await deliveries(disabled.id)).toEqual([]);
    expect((await deliveries(webhook.id)).map((d) => d.status)).toEqual(["delivered"]);
  });

  it("retries a receiver that is down with growing waits on the test clock, and delivers once when it is back", async () => {
    const { receiver, webhook } = await hooked(["message.created"]);
    await receiver.stop();
    const v = await visitor();
    await write(v, "Are you there?");

    // First try: the connection is refused; the next waits about RETRY_DELAYS_MS[0].
    await tried(webhook.id, 1);
    let [delivery] = await deliveries(webhook.id);
    expect(delivery).toMatchObject({ status: "pending", responseStatus: null, error: expect.stringMatching(/ECONNREFUSED/) });
    const firstWait = Date.parse(delivery!.nextAttemptAt!) - Date.parse(delivery!.lastAttemptAt!);
    expect(firstWait).toBeGreaterThanOrEqual(RETRY_DELAYS_MS[0]! * 0.9 - 5);
    expect(firstWait).toBeLessThanOrEqual(RETRY_DELAYS_MS[0]! * 1.1 + 5);

    // Back, but failing (503): the second try, once its time came, waits longer.
    await receiver.start();
    receiver.answer = () => 503;
    t.clock.advance(RETRY_DELAYS_MS[0]! * 1.1 + 1000);
    await tried(webhook.id, 2);
    [delivery] = await deliveries(webhook.id);
    expect(delivery).toMatchObject({ status: "pending", responseStatus: 503, responseSnippet: "not now", error: "HTTP 503" });
    const secondWait = Date.parse(delivery!.nextAttemptAt!) - Date.parse(delivery!.lastAttemptAt!);
    expect(secondWait).toBeGreaterThanOrEqual(RETRY_DELAYS_MS[1]! * 0.9 - 5);
    expect(secondWait).toBeLessThanOrEqual(RETRY_DELAYS_MS[1]! * 1.1 + 5);
    expect(secondWait).toBeGreaterThan(firstWait);

    // Healthy again: the third try delivers it, once.
    receiver.answer = () => 200;
    t.clock.advance(RETRY_DELAYS_MS[1]! * 1.1 + 1000);
    await expect.poll(() => receiver.received.length, POLL).toBe(1);
    await expect.poll(async () => (await deliveries(webhook.id))[0]?.status, POLL).toBe("delivered");
    [delivery] = await deliveries(webhook.id);
    expect(delivery).toMatchObject({ attempts: 3, responseStatus: 200, responseSnippet: "thanks", error: null, nextAttemptAt: null });
    expect(receiver.received[0]).toMatchObject({ signatureValid: true, deliveryId: delivery!.id, payload: { data: { message: { body: "Are you there?" } } } });
    // Nothing more comes, however much time passes.
    t.clock.advance(24 * 60 * 60_000);
    await expect.poll(async () => (await deliveries(webhook.id)).length, POLL).toBe(1);
    expect(receiver.received).toHaveLength(1);
  }, 60_000);

  it("gives a delivery up after its last try and marks it failed", async () => {
    const { receiver, webhook } = await hooked(["message.created"]);
    receiver.answer = () => 500;
    await write(await visitor(), "Never arrives");
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      await tried(webhook.id, attempt);
      // Past the longest the next try can wait: its delay with the +10 % jitter. A flat 13 h fell
      // short of the last delay (12 h, up to 13.2 h) in about one run in twelve.
      t.clock.advance((RETRY_DELAYS_MS[attempt - 1] ?? 0) * 1.1 + 1000);
    }
    await expect.poll(async () => (await deliveries(webhook.id))[0]?.status, POLL).toBe("failed");
    expect((await deliveries(webhook.id))[0]).toMatchObject({ attempts: MAX_ATTEMPTS, responseStatus: 500, nextAttemptAt: null });
  }, 60_000);

  it("keeps each conversation's events in order: a later one waits for an earlier one that failed; other conversations go on", async () => {
    const { receiver } = await hooked(["message.created"]);
    let failFirst = true;
    receiver.answer = (payload) => {
      if (payload.event === "message.created" && payload.data.message.body === "one" && failFirst) return 503;
      return 200;
    };
    const slow = await visitor("Slow");
    const other = await visitor("Other");
    await write(slow, "one");
    await write(slow, "two");
    await write(slow, "three");
    await write(other, "elsewhere");
    // The other conversation is delivered while "one" waits for its retry, and "two", "three" wait behind it.
    await expect.poll(() => receiver.received.map((r) => (r.payload.event === "message.created" ? r.payload.data.message.body : "")), POLL).toEqual(["elsewhere"]);
    failFirst = false;
    t.clock.advance(RETRY_DELAYS_MS[0]! * 1.1 + 1000);
    await expect.poll(() => receiver.received.length, POLL).toBe(4);
    const bodies = receiver.received.map((r) => (r.payload.event === "message.created" ? r.payload.data.message.body : ""));
    expect(bodies).toEqual(["elsewhere", "one", "two", "three"]);
  }, 60_000);

  it("redelivers a delivery from the API: same event id and body, a new delivery id, signed with the current secret", async () => {
    const { receiver, webhook } = await hooked(["message.created"]);
    await write(await visitor(), "Once more, please");
    await expect.poll(() => receiver.received.length, POLL).toBe(1);
    const [original] = await deliveries(webhook.id);

    // A rolled secret signs the redelivery; the receiver knows the new one.
    const rolled = await call("POST", `/api/webhooks/${webhook.id}/secret`, {});
    expect(rolled.statusCode, rolled.body).toBe(200);
    const newSecret = (rolled.json() as { webhook: WebhookView }).webhook.secret;
    expect(newSecret).not.toBe(webhook.secret);
    expect(newSecret).toMatch(/^whsec_/);
    receiver.secret = newSecret;

    const res = await call("POST", `/api/webhooks/${webhook.id}/deliveries/${original!.id}/redeliver`, {});
    expect(res.statusCode, res.body).toBe(201);
    const { delivery } = res.json() as { delivery: WebhookDeliveryView };
    expect(delivery).toMatchObject({ status: "pending", redeliveryOf: original!.id, eventId: original!.eventId, event: "message.created" });
    await expect.poll(() => receiver.received.length, POLL).toBe(2);
    const [first, second] = receiver.received;
    expect(second).toMatchObject({ signatureValid: true, deliveryId: delivery.id, body: first!.body });
    expect(second!.payload.id).toBe(first!.payload.id);
    await expect.poll(async () => (await deliveries(webhook.id)).map((d) => d.status), POLL).toEqual(["delivered", "delivered"]);

    expect(errorOf(await call("POST", `/api/webhooks/${webhook.id}/deliveries/${randomUUID()}/redeliver`, {}))).toEqual({ status: 404, id: "webhook_delivery_not_found" });
    const actions = (await listAudit(t.deps.domain.db, { limit: 50 })).map((row) => row.action);
    expect(actions).toEqual(expect.arrayContaining(["webhook.create", "webhook.secret_roll", "webhook.redeliver"]));
  }, 60_000);

  it("erasing a person removes their deliveries from the log, sent or pending, and keeps others'", async () => {
    const { receiver, webhook } = await hooked(["message.created"]);
    const erased = await visitor("Silinecek Kişi");
    const kept = await visitor("Kalacak Kişi");
    await write(erased, "Adresim Atatürk Cad. 1");
    await write(kept, "Merhaba");
    await expect.poll(() => receiver.received.length, POLL).toBe(2);
    receiver.answer = () => 503;
    await write(erased, "Telefonum 0555 000 00 00");
    // The third one waits for its retry: pending, tried once.
    await expect
      .poll(async () => (await deliveries(webhook.id)).filter((d) => d.status === "pending" && d.attempts === 1 && d.responseStatus === 503).length, POLL)
      .toBe(1);
    await erasePerson(t.deps.domain, { actor: { type: "system" }, person: erased.id });
    const left = await deliveries(webhook.id);
    expect(left).toHaveLength(1);
    expect(left.every((d) => d.status === "delivered")).toBe(true);
    const bodies = await t.deps.domain.db.selectFrom("webhook_deliveries").select("body").where("webhook_id", "=", webhook.id).execute();
    expect(bodies.map((b) => b.body).join()).not.toMatch(/Silinecek|Atatürk|0555/);
  });

  it("lets admins alone manage webhooks, with clear errors for bad input", async () => {
    expect(errorOf(await call("GET", "/api/webhooks", undefined, agent))).toEqual({ status: 403, id: "admin_only" });
    expect(errorOf(await call("POST", "/api/webhooks", { url: "https://example.com/h", events: ["message.created"] }, agent))).toEqual({ status: 403, id: "admin_only" });
    expect((await call("POST", "/api/webhooks", { url: "https://example.com/h", events: [] })).statusCode).toBe(400);
    expect((await call("POST", "/api/webhooks", { url: "https://example.com/h", events: ["message.deleted"] })).statusCode).toBe(400);
    expect(errorOf(await call("POST", "/api/webhooks", { url: "ftp://example.com/h", events: ["message.created"] }))).toEqual({ status: 400, id: "webhook_url_invalid" });
    expect(errorOf(await call("POST", "/api/webhooks", { url: "not a url", events: ["message.created"] }))).toEqual({ status: 400, id: "webhook_url_invalid" });
    expect(errorOf(await call("POST", "/api/webhooks", { url: "https://user:pw@example.com/h", events: ["message.created"] }))).toEqual({ status: 400, id: "webhook_url_invalid" });
    expect(errorOf(await call("PATCH", `/api/webhooks/${randomUUID()}`, { enabled: false }))).toEqual({ status: 404, id: "webhook_not_found" });

    const created = await call("POST", "/api/webhooks", { url: "https://hooks.example.com/destek#frag", events: ["call.ended", "message.created", "call.ended"] });
    expect(created.statusCode, created.body).toBe(201);
    const { webhook } = created.json() as { webhook: WebhookView };
    expect(webhook).toMatchObject({ url: "https://hooks.example.com/destek", events: ["message.created", "call.ended"], enabled: true });
    // The secret is stored sealed, never in the clear.
    const stored = await t.deps.domain.db.selectFrom("webhooks").select("secret").where("id", "=", webhook.id).executeTakeFirstOrThrow();
    expect(stored.secret).not.toContain(webhook.secret);
    const edited = await call("PATCH", `/api/webhooks/${webhook.id}`, { events: ["rating.created"], enabled: false });
    expect((edited.json() as { webhook: WebhookView }).webhook).toMatchObject({ events: ["rating.created"], enabled: false, secret: webhook.secret });
    expect((await call("DELETE", `/api/webhooks/${webhook.id}`)).statusCode).toBe(204);
    expect(errorOf(await call("GET", `/api/webhooks/${webhook.id}/deliveries`))).toEqual({ status: 404, id: "webhook_not_found" });
  });
});
