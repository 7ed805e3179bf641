import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AgentRow, findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { savePushSubscription } from "../../src/adapters/db/repositories/push.ts";
import { startPushJob } from "../../src/adapters/push/pushJob.ts";
import type { BackgroundJob } from "../../src/adapters/backgroundJob.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import { createInbox } from "../../src/domain/inboxes/inboxes.ts";
import type { CallStart } from "../../src/protocol/calls.ts";
import type { MessageView } from "../../src/protocol/chat.ts";
import type { PushPayload } from "../../src/protocol/push.ts";
import { newClientId, newVisitorToken, openSocket, request } from "../support/chatClients.ts";
import { testDatabases } from "../support/databases.ts";
import { PushReceiver } from "../support/pushReceiver.ts";
import { addAgent, startTestApp, type TestApp } from "../support/testApp.ts";

// Web push end to end on the server side: a visitor writes or calls, the push outbox row is made in
// the same transaction, the push job encrypts the notification for each device of the agents who
// should hear it and posts it with a VAPID signature to a local stand-in push service, which
// decrypts it with the subscription's own keys and checks the signature.

describe.each(testDatabases())("web push to agents' devices ($name)", (database) => {
  let t: TestApp;
  let url: string;
  let dispose: () => Promise<void>;
  let job: BackgroundJob;
  const receiver = new PushReceiver();
  const sockets: Socket[] = [];
  const agents: Record<string, AgentRow> = {};
  const tokens: Record<string, string> = {};
  let shopId: string;

  beforeAll(async () => {
    await receiver.start();
    const handle = await database.open();
    dispose = handle.dispose;
    t = await startTestApp({ database: handle, env: { PUSH_SUBJECT: "mailto:ops@example.com" } });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    // Mira answers the default inbox, Noor only the shop; Ada is an admin (sees every inbox).
    for (const [name, admin] of [["mira", false], ["noor", false], ["ada", true]] as const) {
      await addAgent(t.deps, name, { admin });
      agents[name] = (await findAgentByUsername(t.deps.domain.db, name))!;
      tokens[name] = (await startSession(t.deps.domain, agents[name], { ip: null, userAgent: null })).accessToken;
    }
    // Noor reads Turkish; the others English.
    await t.deps.domain.db.updateTable("agents").set({ language: "en" }).where("username", "in", ["mira", "ada"]).execute();
    await t.deps.domain.db.updateTable("agents").set({ language: "tr" }).where("username", "=", "noor").execute();
    shopId = (await createInbox(t.deps.domain, { type: "system" }, { name: "Shop" })).id;
    for (const [path, members] of [[`/api/inboxes/${shopId}/members`, ["noor"]], ["/api/inboxes/default/members", ["mira", "ada"]]] as const) {
      const res = await t.app.inject({ method: "PUT", url: path, headers: { authorization: `Bearer ${tokens.ada}` }, payload: { agentIds: members.map((m) => agents[m]!.id) } });
      expect(res.statusCode, res.body).toBe(200);
    }
    // Mira has two devices; the others one each.
    for (const name of ["mira-phone", "mira-laptop", "noor-phone", "ada-phone"]) {
      const subscription = receiver.subscribe(name);
      await savePushSubscription(t.deps.domain.db, {
        id: randomUUID(),
        agent_id: agents[name.split("-")[0]!]!.id,
        endpoint: subscription.endpoint,
        p256dh: subscription.keys.p256dh,
        auth: subscription.keys.auth,
        device: name,
        created_at: Date.now(),
        last_sent_at: null,
      });
    }
    job = startPushJob(t.deps);
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(async () => {
    await job?.stop();
    await t?.close();
    await receiver.stop();
    await dispose?.();
  });

  const widget = async (inbox?: string) => {
    const socket = await openSocket(`${url}/visitor`, { visitorToken: newVisitorToken(), language: "en", ...(inbox ? { inbox } : {}) });
    sockets.push(socket);
    await request(socket, "profile:update", { name: "Ayşe" });
    return socket;
  };
  const write = (socket: Socket, body: string) => request<{ message: MessageView }>(socket, "message:send", { clientId: newClientId(), body });
  /** Waits until every queued push is settled, so what did not arrive will not. */
  const settled = () =>
    expect
      .poll(async () => (await t.deps.domain.db.selectFrom("outbox").select("id").where("kind", "like", "push.%").where("status", "=", "pending").execute()).length, { timeout: 15_000 })
      .toBe(0);
  const payloadsOf = (name: string, kind: PushPayload["kind"]) => receiver.of(name).map((p) => p.payload as PushPayload).filter((p) => p.kind === kind);

  it("sends a new conversation, encrypted and VAPID-signed, to every device of the agents who see its inbox, and no one else", async () => {
    const visitor = await widget();
    const { message } = await write(visitor, "Where is my order?");
    await expect.poll(() => receiver.received.filter((p) => (p.payload as PushPayload).kind === "conversation").length, { timeout: 15_000 }).toBe(3);
    await settled();
    const expected = {
      kind: "conversation",
      title: "New conversation",
      body: "Ayşe: Where is my order?",
      path: `/conversations/${message.conversationId}`,
      tag: `conversation:${message.conversationId}`,
    };
    for (const name of ["mira-phone", "mira-laptop", "ada-phone"]) expect(payloadsOf(name, "conversation")).toEqual([expected]);
    expect(receiver.of("noor-phone")).toEqual([]);

    const push = receiver.of("mira-phone")[0]!;
    expect(push.jwt.aud).toBe(receiver.url);
    expect(push.jwt.sub).toBe("mailto:ops@example.com");
    expect(push.jwt.exp * 1000).toBeGreaterThan(Date.now());
    expect(push.jwt.exp * 1000).toBeLessThanOrEqual(Date.now() + 24 * 3600_000);
    expect(push.headers.ttl).toBe("86400");
    expect(push.headers.urgency).toBe("high");
    // Every node signs with the one key pair kept in the database: the one the console subscribes with.
    const listed = await t.app.inject({ method: "GET", url: "/api/me/push-subscriptions", headers: { authorization: `Bearer ${tokens.mira}` } });
    expect(listed.json<{ publicKey: string }>().publicKey).toBe(push.vapidKey);
  });

  it("sends a message of an assigned conversation to its assignee's devices only", async () => {
    const visitor = await widget();
    const { message } = await write(visitor, "Hello");
    await settled();
    const before = receiver.received.length;
    const mira = await openSocket(`${url}/agent`, { token: tokens.mira });
    sockets.push(mira);
    // Replying assigns the conversation to Mira.
    await request(mira, "message:send", { conversationId: message.conversationId, clientId: newClientId(), body: "Hi, how can I help?" });
    await write(visitor, "My parcel is late");
    await expect.poll(() => payloadsOf("mira-laptop", "message").length, { timeout: 15_000 }).toBe(1);
    await settled();
    const fresh = receiver.received.slice(before);
    expect(fresh.map((p) => p.name).sort()).toEqual(["mira-laptop", "mira-phone"]);
    expect(fresh[0]!.payload).toEqual({
      kind: "message",
      title: "Ayşe",
      body: "My parcel is late",
      path: `/conversations/${message.conversationId}`,
      tag: `conversation:${message.conversationId}`,
    });
  });

  it("rings the devices of the call's inbox with Accept and Reject in each agent's language, with no console open", async () => {
    const before = receiver.received.length;
    const caller = await widget(shopId);
    const { call } = await request<CallStart>(caller, "call:start", { media: "audio" });
    await expect.poll(() => receiver.received.slice(before).filter((p) => (p.payload as PushPayload).kind === "call").length, { timeout: 15_000 }).toBe(2);
    await settled();
    const fresh = receiver.received.slice(before).filter((p) => (p.payload as PushPayload).kind === "call");
    expect(fresh.map((p) => p.name).sort()).toEqual(["ada-phone", "noor-phone"]);
    const byName = Object.fromEntries(fresh.map((p) => [p.name, p.payload]));
    expect(byName["noor-phone"]).toMatchObject({ title: "Gelen arama", actions: [{ action: "accept", title: "Kabul et" }, { action: "reject", title: "Reddet" }] });
    expect(byName["ada-phone"]).toEqual({
      kind: "call",
      title: "Incoming call",
      body: "Ayşe",
      path: `/calls/${call.id}`,
      tag: `call:${call.id}`,
      actions: [
        { action: "accept", title: "Accept" },
        { action: "reject", title: "Reject" },
      ],
    });
    // The push service keeps it no longer than the call rings.
    expect(Number(fresh[0]!.headers.ttl)).toBeGreaterThan(0);
    expect(Number(fresh[0]!.headers.ttl)).toBeLessThanOrEqual(60);
    await request(caller, "call:hangup", { callId: call.id });
  });

  it("removes a device whose push service answers 410 Gone, and retries one that failed for a while", async () => {
    receiver.answers.set("ada-phone", [410]);
    receiver.answers.set("mira-laptop", [503]);
    const before = receiver.received.length;
    const visitor = await widget();
    await write(visitor, "Anyone there?");
    await expect.poll(() => receiver.received.slice(before).map((p) => p.name), { timeout: 15_000 }).toContain("mira-phone");
    await expect
      .poll(async () => (await t.deps.domain.db.selectFrom("push_subscriptions").select("device").execute()).map((r) => r.device).sort(), { timeout: 15_000 })
      .toEqual(["mira-laptop", "mira-phone", "noor-phone"]);
    // The 503 is retried after its backoff.
    t.clock.advance(5_000);
    await expect.poll(() => receiver.received.slice(before).map((p) => p.name).sort(), { timeout: 15_000 }).toEqual(["mira-laptop", "mira-phone"]);
    await settled();
    expect(receiver.answers.get("mira-laptop")).toEqual([]);
    const counted = await t.deps.metrics.registry.getSingleMetricAsString("destek_push_sent_total");
    expect(counted).toMatch(/result="gone"[^\n]* 1$/m);
    expect(counted).toMatch(/result="retry"[^\n]* 1$/m);
  });

  it("lets each agent add this browser, list and remove their own devices only; refuses endpoints that are not push services", async () => {
    const as = (who: string) => ({ authorization: `Bearer ${tokens[who]}` });
    const body = { endpoint: `https://fcm.googleapis.com/fcm/send/${randomUUID()}`, keys: { p256dh: `B${"A".repeat(86)}`, auth: "A".repeat(22) }, device: "Chrome on Android" };
    const added = await t.app.inject({ method: "POST", url: "/api/me/push-subscriptions", headers: as("noor"), payload: body });
    expect(added.statusCode, added.body).toBe(201);
    const device = added.json<{ id: string; service: string }>();
    expect(device.service).toBe("fcm.googleapis.com");
    const list = await t.app.inject({ method: "GET", url: "/api/me/push-subscriptions", headers: as("noor") });
    expect(list.json<{ devices: Array<{ device: string }> }>().devices.map((d) => d.device)).toEqual(["Chrome on Android", "noor-phone"]);

    for (const endpoint of ["http://fcm.googleapis.com/x", "https://127.0.0.1/push", "https://evil.example/fcm.googleapis.com", "https://fcm.googleapis.com.evil.example/x"]) {
      const refused = await t.app.inject({ method: "POST", url: "/api/me/push-subscriptions", headers: as("noor"), payload: { ...body, endpoint } });
      expect(refused.statusCode, endpoint).toBe(400);
    }
    const foreign = await t.app.inject({ method: "DELETE", url: `/api/me/push-subscriptions/${device.id}`, headers: as("mira") });
    expect(foreign.statusCode).toBe(404);
    const removed = await t.app.inject({ method: "DELETE", url: `/api/me/push-subscriptions/${device.id}`, headers: as("noor") });
    expect(removed.statusCode).toBe(204);
  });

  it("sends nothing to the devices of a disabled agent", async () => {
    await t.deps.domain.db.updateTable("agents").set({ disabled_at: Date.now() }).where("username", "=", "mira").execute();
    const before = receiver.received.length;
    const shopVisitor = await widget(shopId);
    await write(shopVisitor, "Shop question");
    await expect.poll(() => receiver.received.slice(before).map((p) => p.name), { timeout: 15_000 }).toEqual(["noor-phone"]);
    const visitor = await widget();
    await write(visitor, "Default question");
    await settled();
    expect(receiver.received.slice(before).map((p) => p.name)).toEqual(["noor-phone"]);
  });
});
