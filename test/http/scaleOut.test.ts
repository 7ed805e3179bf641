import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import type { MessageView } from "../../src/protocol/chat.ts";
import { newClientId, newVisitorToken, nextEvent, openSocket, request } from "../support/chatClients.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { FakeTelegram } from "../support/fakeTelegram.ts";
import { testRedisUrl } from "../support/redis.ts";
import { addAgent, PASSWORD, startTestApp, type TestApp } from "../support/testApp.ts";

const redisUrl = testRedisUrl();
const postgres = testDatabases().find((d) => d.name === "postgres");

// Two nodes on one PostgreSQL database and one Redis: limits hold across nodes and a
// session started on one node is honoured by the other.
describe.runIf(redisUrl && postgres)("two nodes on PostgreSQL + Redis", () => {
  let telegram: FakeTelegram;
  let nodes: TestApp[] = [];
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    telegram = await new FakeTelegram().start();
    const db = await (postgres as TestDatabase).open();
    dispose = db.dispose;
    // Each run gets its own secret so rate-limit keys of earlier runs never collide.
    const env = { REDIS_URL: redisUrl!, SECRET_KEY: randomUUID() + randomUUID(), TELEGRAM_ADMIN_CHAT_ID: "-100999" };
    nodes = [await startTestApp({ database: db, telegram, env }), await startTestApp({ database: db, telegram, env })];
    for (const node of nodes) {
      await node.app.listen({ port: 0, host: "127.0.0.1" });
      await node.deps.telegram!.start(node.deps);
    }
  });
  afterAll(async () => {
    for (const node of nodes) await node.close();
    await telegram.stop();
    await dispose();
  });

  it("reports Redis in readiness", async () => {
    const res = await nodes[0]!.app.inject({ method: "GET", url: "/ready" });
    expect(res.statusCode).toBe(200);
    expect(res.json().checks).toEqual({ database: "ok", redis: "ok" });
  });

  it("limits code requests across nodes, and honours sessions from the other node", async () => {
    const [a, b] = nodes as [TestApp, TestApp];
    const username = `node${Date.now()}`;
    await addAgent(a.deps, username, { telegramChatId: "880088" });
    const address = `10.7.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const post = (node: TestApp, url: string, payload: object, headers: Record<string, string> = {}) =>
      node.app.inject({ method: "POST", url, payload, headers, remoteAddress: address });
    const { ticket } = (await post(a, "/api/auth/login", { username, password: PASSWORD })).json();
    expect((await post(b, "/api/auth/code", { ticket })).statusCode).toBe(200);
    expect((await post(a, "/api/auth/code", { ticket })).statusCode).toBe(200);
    const fourth = await post(b, "/api/auth/code", { ticket });
    expect(fourth.statusCode).toBe(429);

    const code = telegram.sent.findLast((m) => String(m.chat_id) === "880088")!.text!.match(/\d{6}/)![0];
    const verified = await post(b, "/api/auth/verify", { ticket, code });
    expect(verified.statusCode).toBe(200);
    const me = await a.app.inject({ method: "GET", url: "/api/me", headers: { authorization: `Bearer ${verified.json().accessToken}` } });
    expect(me.statusCode).toBe(200);
  });

  it("carries chat between a visitor on one node and an agent on the other, and alerts Telegram once", async () => {
    const [a, b] = nodes as [TestApp, TestApp];
    const urlOf = (node: TestApp) => `http://127.0.0.1:${(node.app.server.address() as AddressInfo).port}`;
    await addAgent(a.deps, "crossnode");
    const agent = (await findAgentByUsername(a.deps.domain.db, "crossnode"))!;
    const token = (await startSession(a.deps.domain, agent, { ip: null, userAgent: null })).accessToken;
    const visitor = await openSocket(`${urlOf(a)}/visitor`, { visitorToken: newVisitorToken() });
    const console = await openSocket(`${urlOf(b)}/agent`, { token });
    try {
      const arriving = nextEvent<{ message: MessageView }>(console, "message:new");
      const { message } = await request<{ message: MessageView }>(visitor, "message:send", { clientId: newClientId(), body: "hello across nodes" });
      expect((await arriving).message.id).toBe(message.id);
      const reply = nextEvent<MessageView>(visitor, "message:new");
      await request(console, "message:send", { conversationId: message.conversationId, clientId: newClientId(), body: "answered from node b" });
      expect((await reply).body).toBe("answered from node b");
      await telegram.waitForSent((m) => String(m.text).includes("hello across nodes"));
      // A later alert to the same chat, from the other node: the outbox delivers a chat's posts in
      // order, so once it has arrived a duplicate of the first could only have come before it.
      const later = await openSocket(`${urlOf(b)}/visitor`, { visitorToken: newVisitorToken() });
      try {
        await request(later, "message:send", { clientId: newClientId(), body: "a later conversation" });
        await telegram.waitForSent((m) => String(m.text).includes("a later conversation"));
      } finally {
        later.close();
      }
      expect(telegram.sent.filter((m) => String(m.text).includes("hello across nodes"))).toHaveLength(1);
    } finally {
      visitor.close();
      console.close();
    }
  });

  it("tells a mentioned agent on the other node, and every console there of the timeline", async () => {
    const [a, b] = nodes as [TestApp, TestApp];
    const urlOf = (node: TestApp) => `http://127.0.0.1:${(node.app.server.address() as AddressInfo).port}`;
    const [author, mentioned] = [`author${Date.now()}`, `mentioned${Date.now()}`];
    await addAgent(a.deps, author);
    await addAgent(a.deps, mentioned);
    const tokenOf = async (username: string) =>
      (await startSession(a.deps.domain, (await findAgentByUsername(a.deps.domain.db, username))!, { ip: null, userAgent: null })).accessToken;
    const visitor = await openSocket(`${urlOf(a)}/visitor`, { visitorToken: newVisitorToken() });
    const writer = await openSocket(`${urlOf(a)}/agent`, { token: await tokenOf(author) });
    const reader = await openSocket(`${urlOf(b)}/agent`, { token: await tokenOf(mentioned) });
    try {
      const { message } = await request<{ message: MessageView }>(visitor, "message:send", { clientId: newClientId(), body: "a question for the team" });
      const mention = nextEvent<{ conversationId: string; event: { body: string } }>(reader, "mention");
      const onTimeline = nextEvent<{ body: string }>(reader, "timeline:event", (e) => e.body.includes("across nodes"));
      await request(writer, "note:send", { conversationId: message.conversationId, body: `@${mentioned} across nodes` });
      expect(await mention).toMatchObject({ conversationId: message.conversationId, event: { body: `@${mentioned} across nodes` } });
      await onTimeline;
    } finally {
      for (const socket of [visitor, writer, reader]) socket.close();
    }
  });

  it("moves a merged contact's widget connected to the other node over to the kept contact", async () => {
    const [a, b] = nodes as [TestApp, TestApp];
    const urlOf = (node: TestApp) => `http://127.0.0.1:${(node.app.server.address() as AddressInfo).port}`;
    const admin = `merger${Date.now()}`;
    await addAgent(b.deps, admin, { admin: true });
    const token = (await startSession(b.deps.domain, (await findAgentByUsername(b.deps.domain.db, admin))!, { ip: null, userAgent: null })).accessToken;
    const visitorOf = async (conversationId: string) =>
      (await a.deps.domain.db.selectFrom("conversations").select("visitor_id").where("id", "=", conversationId).executeTakeFirstOrThrow()).visitor_id;
    const merged = await openSocket(`${urlOf(a)}/visitor`, { visitorToken: newVisitorToken() });
    const kept = await openSocket(`${urlOf(a)}/visitor`, { visitorToken: newVisitorToken() });
    try {
      const { message: first } = await request<{ message: MessageView }>(merged, "message:send", { clientId: newClientId(), body: "from my phone" });
      const { message: second } = await request<{ message: MessageView }>(kept, "message:send", { clientId: newClientId(), body: "from my laptop" });
      const res = await b.app.inject({
        method: "POST",
        url: `/api/contacts/${await visitorOf(second.conversationId)}/merge`,
        headers: { authorization: `Bearer ${token}` },
        payload: { otherId: await visitorOf(first.conversationId) },
      });
      expect(res.statusCode, res.body).toBe(200);
      // Node a hears of the merge through Redis: the phone's widget then syncs as the kept contact,
      // whose latest conversation is the laptop's.
      await expect
        .poll(async () => (await request<{ conversation: { id: string } | null }>(merged, "conversation:sync", {})).conversation?.id, { timeout: 20_000 })
        .toBe(second.conversationId);
    } finally {
      merged.close();
      kept.close();
    }
  });

  it("shares the HTTP rate limit through Redis", async () => {
    const [a, b] = nodes as [TestApp, TestApp];
    const address = `10.6.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const limit = a.deps.config.rateLimitPerMinute;
    let refused = 0;
    for (let i = 0; i < limit + 2; i++) {
      const node = i % 2 ? a : b;
      const res = await node.app.inject({ method: "GET", url: "/api/setup", remoteAddress: address });
      if (res.statusCode === 429) {
        refused++;
        expect(res.json().error.id).toBe("rate_limited");
      }
    }
    expect(refused).toBe(2);
  });
});
