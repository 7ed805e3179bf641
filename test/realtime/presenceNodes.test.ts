import { randomUUID } from "node:crypto";
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdapter } from "@socket.io/redis-streams-adapter";
import type { Redis } from "ioredis";
import { Server } from "socket.io";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { eventsChannel, RedisBus } from "../../src/adapters/bus/redisBus.ts";
import { OutageLog } from "../../src/adapters/outages.ts";
import { closeRedis, connectRedis } from "../../src/adapters/redis.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import { clusterChannels } from "../../src/realtime/clusterChannels.ts";
import type { CallView } from "../../src/protocol/calls.ts";
import { newVisitorToken, nextEvent, openSocket, request } from "../support/chatClients.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { testRedisUrl } from "../support/redis.ts";
import { capturedLog } from "../support/logCapture.ts";
import { addAgent, startTestApp, type TestApp } from "../support/testApp.ts";

const redisUrl = testRedisUrl();
const postgres = testDatabases().find((d) => d.name === "postgres");

// Whether agents are online is a fact of the whole cluster: every node must tell widgets the truth.
describe.runIf(redisUrl && postgres)("agent presence across two nodes", () => {
  let nodes: TestApp[] = [];
  let dispose: () => Promise<void>;
  const sockets: Socket[] = [];
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  const urlOf = (node: TestApp) => `http://127.0.0.1:${(node.app.server.address() as AddressInfo).port}`;

  beforeAll(async () => {
    const db = await (postgres as TestDatabase).open();
    dispose = db.dispose;
    const env = { REDIS_URL: redisUrl!, SECRET_KEY: randomUUID() + randomUUID() };
    nodes = [await startTestApp({ database: db, env }), await startTestApp({ database: db, env })];
    for (const node of nodes) await node.app.listen({ port: 0, host: "127.0.0.1" });
    process.on("unhandledRejection", onRejection);
  });
  afterAll(async () => {
    process.off("unhandledRejection", onRejection);
    for (const socket of sockets) socket.close();
    for (const node of nodes) await node.close();
    await dispose();
  });

  async function consoleOn(node: TestApp, username: string): Promise<Socket> {
    await addAgent(node.deps, username);
    const agent = (await findAgentByUsername(node.deps.domain.db, username))!;
    const { accessToken } = await startSession(node.deps.domain, agent, { ip: null, userAgent: null });
    const socket = await openSocket(`${urlOf(node)}/agent`, { token: accessToken });
    sockets.push(socket);
    return socket;
  }

  it("tells widgets the team is back even when the node last saw it online itself", async () => {
    const [a, b] = nodes as [TestApp, TestApp];
    const suffix = randomUUID().slice(0, 8);
    const visitor = await openSocket(`${urlOf(a)}/visitor`, { visitorToken: newVisitorToken() });
    sockets.push(visitor);
    const presence = (online: boolean) => nextEvent<{ online: boolean }>(visitor, "agents:presence", (p) => p.online === online);

    let change = presence(true);
    const first = await consoleOn(b, `first${suffix}`);
    await change;
    change = presence(true);
    const second = await consoleOn(a, `second${suffix}`);
    await change;
    // The first leaves while the second is still online on the other node...
    change = presence(true);
    first.close();
    await change;
    // ...then the second leaves: nobody is online.
    change = presence(false);
    second.close();
    await change;
    // Node b last saw the team online; a console opening there must still be announced.
    change = presence(true);
    await consoleOn(b, `third${suffix}`);
    expect((await change).online).toBe(true);
  });

  it("hands another node's cluster-wide event to each socket once: the adapter carries it, the node that hears it does not emit again", async () => {
    const [a, b] = nodes as [TestApp, TestApp];
    const username = `admin${randomUUID().slice(0, 8)}`;
    await addAgent(a.deps, username, { admin: true });
    const admin = (await findAgentByUsername(a.deps.domain.db, username))!;
    const { accessToken } = await startSession(a.deps.domain, admin, { ip: null, userAgent: null });
    const console_ = await openSocket(`${urlOf(a)}/agent`, { token: accessToken });
    sockets.push(console_);
    const now = new Date().toISOString();
    const call: CallView = {
      id: randomUUID(), status: "ended", media: "audio", recording: "off", inboxId: randomUUID(), visitor: { id: randomUUID(), name: "V" }, agent: null,
      createdAt: now, answeredAt: null, endedAt: now, durationMs: null, endReason: "caller_hung_up", consent: null,
    };
    const onSocket: unknown[] = [];
    console_.on("call:ended", (payload: { call: CallView }) => {
      if (payload.call.id === call.id) onSocket.push(payload);
    });
    let heardOnA = 0;
    a.deps.bus.subscribe((event, origin) => {
      if (event.type === "call.ended" && event.call.id === call.id && origin.remote) heardOnA++;
    });
    b.deps.bus.publish({ type: "call.ended", call });
    await expect.poll(() => heardOnA, { timeout: 5000 }).toBe(1);
    await expect.poll(() => onSocket.length, { timeout: 5000 }).toBe(1);
    // Node a's subscribers ran when its bus heard the event: a second emit of its own would be on
    // the socket before the answer to a request made now.
    await request(console_, "calls:sync", {});
    expect(onSocket).toHaveLength(1);
  });

  it("disconnects a node's consoles at once when a session ends in a process with no socket server (the CLI)", async () => {
    const [a] = nodes as [TestApp, TestApp];
    const username = `gone${randomUUID().slice(0, 8)}`;
    await addAgent(a.deps, username);
    const agent = (await findAgentByUsername(a.deps.domain.db, username))!;
    const { accessToken } = await startSession(a.deps.domain, agent, { ip: null, userAgent: null });
    const console_ = await openSocket(`${urlOf(a)}/agent`, { token: accessToken });
    sockets.push(console_);
    // Another process of the deployment: just a bus on its Redis channel, as the CLI's deps make.
    const redis = connectRedis(redisUrl!);
    const { log } = capturedLog();
    const cli = new RedisBus({ redis, channel: eventsChannel(a.deps.domain.keys), log, outages: new OutageLog(log) });
    try {
      const gone = new Promise<string>((resolve) => console_.on("disconnect", resolve));
      cli.publish({ type: "session.ended", agentId: agent.id, sessionId: null });
      expect(await gone).toBe("io server disconnect");
    } finally {
      await cli.close();
      await closeRedis(redis);
    }
  });

  it("does not count agents of another deployment on the same Redis", async () => {
    const [a, b] = nodes as [TestApp, TestApp];
    const otherDb = await (postgres as TestDatabase).open();
    const other = await startTestApp({ database: otherDb, env: { REDIS_URL: redisUrl!, SECRET_KEY: randomUUID() + randomUUID() } });
    const visitors: Socket[] = [];
    try {
      await other.app.listen({ port: 0, host: "127.0.0.1" });
      await consoleOn(a, `ours${randomUUID().slice(0, 8)}`);
      visitors.push(await openSocket(`${urlOf(b)}/visitor`, { visitorToken: newVisitorToken() }));
      visitors.push(await openSocket(`${urlOf(other)}/visitor`, { visitorToken: newVisitorToken() }));
      const [ours, theirs] = visitors as [Socket, Socket];
      expect((await request<{ agentsOnline: boolean }>(ours, "conversation:sync", {})).agentsOnline).toBe(true);
      expect((await request<{ agentsOnline: boolean }>(theirs, "conversation:sync", {})).agentsOnline).toBe(false);
    } finally {
      for (const socket of visitors) socket.close();
      await other.close();
      await otherDb.dispose();
    }
  });

  it("keeps serving when a peer node stops answering fetchSockets, without an unhandled rejection", async () => {
    const [a] = nodes as [TestApp, TestApp];
    // A third node that announces itself on the Redis stream but never answers requests: a dead peer.
    const redis: Redis = connectRedis(redisUrl!);
    const http: HttpServer = createServer();
    const zombie = new Server(http, { adapter: createAdapter(redis, clusterChannels(a.deps.domain.keys)) });
    const agents = zombie.of("/agent");
    let reached = false;
    (agents.adapter as unknown as { onMessage: () => void }).onMessage = () => {
      reached = true;
    };
    try {
      // Once a broadcast of node a reaches the zombie, a's requests count it as a node that must answer.
      const namespaceOfA = a.app.io.of("/agent") as unknown as { serverSideEmit(event: string): void };
      await expect
        .poll(() => {
          namespaceOfA.serverSideEmit("ping");
          return reached;
        }, { timeout: 15_000, interval: 100 })
        .toBe(true);

      const watcher = await consoleOn(a, `dead${randomUUID().slice(0, 8)}`);
      // The presence check waits for the zombie until the adapter's request timeout, then fails.
      await expect.poll(() => rejections.length === 0 && watcher.connected, { timeout: 1000 }).toBe(true);
      const failed = a.app.io.of("/agent").in("agents").fetchSockets().then(
        () => "answered",
        () => "timed out",
      );
      // What widgets ask meanwhile still answers: the team reads as away rather than an error.
      const visitor = await openSocket(`${urlOf(a)}/visitor`, { visitorToken: newVisitorToken() });
      sockets.push(visitor);
      const [sync, config] = await Promise.all([
        request<{ agentsOnline: boolean }>(visitor, "conversation:sync", {}),
        a.app.inject({ method: "GET", url: "/api/widget/config" }),
      ]);
      expect(typeof sync.agentsOnline).toBe("boolean");
      expect(config.statusCode).toBe(200);
      expect(await failed).toBe("timed out");
      const health = await a.app.inject({ method: "GET", url: "/health" });
      expect(health.statusCode).toBe(200);
      // The agentsChanged call of the connect above timed out before ours: its failure was handled.
      expect(rejections).toEqual([]);
    } finally {
      zombie.close();
      await redis.quit().catch(() => undefined);
    }
  }, 30_000);
});
