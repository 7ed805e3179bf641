import type { AddressInfo } from "node:net";
import type { KyselyPlugin } from "kysely";
import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import type { Db } from "../../src/adapters/db/database.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import type { MessageView } from "../../src/protocol/chat.ts";
import { newClientId, newVisitorToken, nextEvent, openSocket, request } from "../support/chatClients.ts";
import { openSqlite } from "../support/databases.ts";
import { addAgent, startTestApp, type TestApp } from "../support/testApp.ts";

/** A database whose every query fails, as during an outage; `attempts` counts what reached it. */
function failingDb(db: Db): { db: Db; attempts: () => number } {
  let attempts = 0;
  // Queries built per call fail as they are compiled; queries compiled once (compiledOnce.ts) skip
  // that step, and fail as their result comes back.
  const plugin: KyselyPlugin = {
    transformQuery() {
      attempts++;
      throw new Error("injected database failure");
    },
    async transformResult() {
      attempts++;
      throw new Error("injected database failure");
    },
  };
  return { db: db.withPlugin(plugin), attempts: () => attempts };
}

describe("visitor typing signals", () => {
  let t: TestApp;
  let dispose: () => Promise<void>;
  let url: string;
  let agentToken: string;
  const sockets: Socket[] = [];
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);

  beforeAll(async () => {
    const database = await openSqlite();
    dispose = database.dispose;
    t = await startTestApp({ database });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    await addAgent(t.deps, "typist");
    const agent = (await findAgentByUsername(t.deps.domain.db, "typist"))!;
    agentToken = (await startSession(t.deps.domain, agent, { ip: null, userAgent: null })).accessToken;
    process.on("unhandledRejection", onRejection);
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(async () => {
    process.off("unhandledRejection", onRejection);
    await t.close();
    await dispose();
  });

  const connect = async (namespace: "visitor" | "agent") => {
    const socket = await openSocket(`${url}/${namespace}`, namespace === "visitor" ? { visitorToken: newVisitorToken() } : { token: agentToken });
    sockets.push(socket);
    return socket;
  };

  it("coalesces a flood of 20,000 typing events into a bounded number of broadcasts, and /health keeps answering", async () => {
    const agent = await connect("agent");
    const visitor = await connect("visitor");
    const { message } = await request<{ message: MessageView }>(visitor, "message:send", { clientId: newClientId(), body: "hello" });
    const seen: boolean[] = [];
    agent.on("typing", ({ conversationId, typing }: { conversationId: string; typing: boolean }) => {
      if (conversationId === message.conversationId) seen.push(typing);
    });

    const started = Date.now();
    let healthChecks = 0;
    let slowestHealthMs = 0;
    for (let i = 0; i < 20_000; i++) {
      visitor.emit("typing", { typing: i % 2 === 0 });
      if (i % 5000 === 4999) {
        const asked = performance.now();
        const health = await t.app.inject({ method: "GET", url: "/health" });
        slowestHealthMs = Math.max(slowestHealthMs, performance.now() - asked);
        expect(health.statusCode).toBe(200);
        healthChecks++;
      }
    }
    visitor.emit("typing", { typing: false });
    // The last state always arrives (within a second of the flood's end).
    await expect.poll(() => seen.at(-1), { timeout: 10_000 }).toBe(false);
    const elapsedS = (Date.now() - started) / 1000;
    console.log(`20,000 typing events: ${seen.length} reached the agent in ${elapsedS.toFixed(1)} s; slowest /health ${slowestHealthMs.toFixed(0)} ms`);
    // At most one change per second leaves the socket (plus the first, forwarded at once).
    expect(seen.length).toBeLessThanOrEqual(Math.ceil(elapsedS) + 2);
    expect(healthChecks).toBe(4);

    // Nothing else is on its way: a message sent now reaches the agent, and no typing came before it.
    const count = seen.length;
    const arriving = nextEvent<{ message: MessageView }>(agent, "message:new", (p) => p.message.body === "after the flood");
    await request(visitor, "message:send", { clientId: newClientId(), body: "after the flood" });
    await arriving;
    expect(seen.length).toBe(count);
  });

  it("keeps serving when the database fails while a visitor types, without an unhandled rejection", async () => {
    const visitor = await connect("visitor");
    const healthy = t.deps.domain.db;
    const failing = failingDb(healthy);
    t.deps.domain.db = failing.db;
    try {
      // A visitor without a conversation yet: the relay has to look it up, and that query fails.
      visitor.emit("typing", { typing: true });
      await expect.poll(() => failing.attempts(), { timeout: 10_000 }).toBeGreaterThan(0);
      const health = await t.app.inject({ method: "GET", url: "/health" });
      expect(health.statusCode).toBe(200);
    } finally {
      t.deps.domain.db = healthy;
    }
    // A round trip after the failure: any rejection of it would have been reported by now.
    const { message } = await request<{ message: MessageView }>(visitor, "message:send", { clientId: newClientId(), body: "still here" });
    expect(message.body).toBe("still here");
    expect(visitor.connected).toBe(true);
    expect(rejections).toEqual([]);
  });
});
