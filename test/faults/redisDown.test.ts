import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import type { MessageView } from "../../src/protocol/chat.ts";
import { newClientId, newVisitorToken, nextEvent, openSocket, request } from "../support/chatClients.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { RedisServer } from "../support/redisServer.ts";
import { addAgent, startTestApp, type TestApp } from "../support/testApp.ts";

const postgres = testDatabases().find((d) => d.name === "postgres");

// Scale-out leans on Redis for the socket adapter, the shared limits and presence. When Redis
// goes away the nodes stay up: HTTP and socket requests get clear answers (never a 500, never an
// exit) and everything works across nodes again once Redis is back.
describe.runIf(postgres)("two nodes while their Redis is stopped and started again", () => {
  const redis = new RedisServer();
  let nodes: TestApp[] = [];
  let dispose: () => Promise<void>;
  const sockets: Socket[] = [];
  let agentToken: string;

  beforeAll(async () => {
    await redis.start();
    const db = await (postgres as TestDatabase).open();
    dispose = db.dispose;
    const env = { REDIS_URL: redis.url, SECRET_KEY: randomUUID() + randomUUID() };
    nodes = [await startTestApp({ database: db, env }), await startTestApp({ database: db, env })];
    for (const node of nodes) await node.app.listen({ port: 0, host: "127.0.0.1" });
    await addAgent(nodes[0]!.deps, "redisless");
    const agent = (await findAgentByUsername(nodes[0]!.deps.domain.db, "redisless"))!;
    agentToken = (await startSession(nodes[0]!.deps.domain, agent, { ip: null, userAgent: null })).accessToken;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    for (const node of nodes) await node.close();
    await redis.stop();
    await dispose();
  });

  const urlOf = (node: TestApp) => `http://127.0.0.1:${(node.app.server.address() as AddressInfo).port}`;
  const open = async (node: TestApp, namespace: "visitor" | "agent") => {
    const socket = await openSocket(`${urlOf(node)}/${namespace}`, namespace === "agent" ? { token: agentToken } : { visitorToken: newVisitorToken() });
    sockets.push(socket);
    return socket;
  };
  const login = (node: TestApp) =>
    node.app.inject({ method: "POST", url: "/api/auth/login", payload: { username: "redisless", password: "not the password" }, remoteAddress: "10.9.9.9" });

  /** A visitor on node a says something; the console on node b hears it. */
  async function chatAcrossNodes(body: string) {
    const [a, b] = nodes as [TestApp, TestApp];
    const console = await open(b, "agent");
    const visitor = await open(a, "visitor");
    const arriving = nextEvent<{ message: MessageView }>(console, "message:new", (p) => p.message.body === body);
    await request(visitor, "message:send", { clientId: newClientId(), body });
    await arriving;
  }

  it("works across nodes with Redis up", async () => {
    await chatAcrossNodes("before the outage");
  });

  it("keeps both nodes serving with clear answers while Redis is down", async () => {
    const [a, b] = nodes as [TestApp, TestApp];
    await redis.stop();

    // A console connecting (presence asks every node) must not take the node down.
    const console = await open(b, "agent");
    await expect(request(console, "calls:sync", {})).resolves.toBeDefined();
    // A visitor still chats with the node it is on: the message is stored and acknowledged.
    const visitor = await open(a, "visitor");
    const sync = await request<{ agentsOnline: boolean }>(visitor, "conversation:sync", {}).catch((error: { id?: string }) => error);
    expect(sync).not.toMatchObject({ id: "internal" });
    const sent = await request<{ message: MessageView }>(visitor, "message:send", { clientId: newClientId(), body: "during the outage" });
    expect(sent.message.body).toBe("during the outage");
    // Sign-in answers as usual (wrong password), not 500.
    const res = await login(a);
    expect(res.statusCode, res.body).toBe(401);
    const ready = await b.app.inject({ method: "GET", url: "/ready" });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ checks: { database: "ok", redis: expect.not.stringMatching(/^ok$/) } });
  });

  it("works across nodes again once Redis is back", async () => {
    await redis.start();
    for (const node of nodes) await expect.poll(async () => (await node.app.inject({ method: "GET", url: "/ready" })).statusCode, { timeout: 15_000 }).toBe(200);
    await expect.poll(async () => {
      try {
        await chatAcrossNodes(`after the outage ${randomUUID()}`);
        return true;
      } catch {
        return false;
      }
    }, { timeout: 30_000, interval: 500 }).toBe(true);
    expect((await login(nodes[1]!)).statusCode).toBe(401);
  });
});
