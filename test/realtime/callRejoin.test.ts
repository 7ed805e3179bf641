import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { findCall } from "../../src/adapters/db/repositories/calls.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import type { CallResume, CallStart, CallView } from "../../src/protocol/calls.ts";
import { newVisitorToken, nextEvent, openSocket, request } from "../support/chatClients.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { FakeTelegram } from "../support/fakeTelegram.ts";
import { testRedisUrl } from "../support/redis.ts";
import { addAgent, startTestApp, type TestApp } from "../support/testApp.ts";

// Coming back into a live call: a reloaded page (a brand-new socket, another socket id, maybe on
// another node) finds its call with `call:resume`, and `call:rejoin` tells the other side to
// negotiate afresh. The server keeps the call for CALL_REJOIN_WINDOW_S after the last socket of a
// participant closes; after that it ends as caller_left / agent_left.

const WINDOW_S = 4;
const redisUrl = testRedisUrl();

interface Setup {
  name: string;
  database: TestDatabase;
  nodes: number;
  redis: string | undefined;
}
const setups = testDatabases().flatMap((database): Setup[] => {
  if (database.name === "sqlite") return [{ name: "one node on SQLite", database, nodes: 1, redis: undefined }];
  return redisUrl ? [{ name: "two nodes on PostgreSQL + Redis", database, nodes: 2, redis: redisUrl }] : [];
});

describe.each(setups)("rejoining a live call: $name", (setup) => {
  let telegram: FakeTelegram;
  let nodes: TestApp[] = [];
  let dispose: () => Promise<void>;
  const urls: string[] = [];
  const sockets: Socket[] = [];

  beforeAll(async () => {
    telegram = await new FakeTelegram().start();
    const db = await setup.database.open();
    dispose = db.dispose;
    const env: Record<string, string> = { CALL_REJOIN_WINDOW_S: String(WINDOW_S), SECRET_KEY: randomUUID() + randomUUID() };
    if (setup.redis) env.REDIS_URL = setup.redis;
    for (let i = 0; i < setup.nodes; i++) {
      const node = await startTestApp({ database: db, env });
      await node.app.listen({ port: 0, host: "127.0.0.1" });
      nodes.push(node);
      urls.push(`http://127.0.0.1:${(node.app.server.address() as AddressInfo).port}`);
    }
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    // Each node notices its sockets leave and asks every node who is online: let that finish
    // before Redis goes away.
    await vi.waitFor(() => expect(nodes.map((n) => n.app.io.of("/agent").sockets.size + n.app.io.of("/visitor").sockets.size)).toEqual(nodes.map(() => 0)));
    for (const node of nodes) await node.app.io.of("/agent").fetchSockets();
    for (const node of nodes) await node.close();
    nodes = [];
    await telegram.stop();
    await dispose();
  });

  /** The node a returning page reaches: the other one when there are two. */
  const back = (i: number) => urls[(i + 1) % urls.length]!;
  const connect = async (url: string, auth: Record<string, unknown>) => {
    const socket = await openSocket(url, auth);
    sockets.push(socket);
    return socket;
  };
  const agentToken = async () => {
    const username = `rejoin${randomUUID().slice(0, 8)}`;
    await addAgent(nodes[0]!.deps, username);
    const agent = (await findAgentByUsername(nodes[0]!.deps.domain.db, username))!;
    return (await startSession(nodes[0]!.deps.domain, agent, { ip: null, userAgent: null })).accessToken;
  };
  /** A caller on node 0 and an agent on node 0 in a live call. */
  const liveCall = async () => {
    const visitorToken = newVisitorToken();
    const token = await agentToken();
    const caller = await connect(`${urls[0]}/visitor`, { visitorToken });
    const agent = await connect(`${urls[0]}/agent`, { token });
    const { call } = await request<CallStart>(caller, "call:start", { media: "audio" });
    const accepted = nextEvent<{ call: CallView }>(caller, "call:accepted");
    await request(agent, "call:accept", { callId: call.id });
    const live = (await accepted).call;
    return { visitorToken, token, caller, agent, call: live };
  };
  const statusOf = async (callId: string) => (await findCall(nodes[0]!.deps.domain.db, callId))!;

  it("a caller whose page reloaded finds the live call on a new socket, the agent is told, and the call survives the window; a caller who does not come back is gone after it", async () => {
    const stays = await liveCall();
    const leaves = await liveCall();
    const firstSocketId = stays.caller.id;
    const leftForGood = nextEvent<{ call: CallView }>(leaves.agent, "call:ended", ({ call }) => call.id === leaves.call.id, (WINDOW_S + 15) * 1000);

    // Both pages close; one comes back, with a brand-new socket (maybe on the other node).
    stays.caller.close();
    leaves.caller.close();
    const caller = await connect(`${back(0)}/visitor`, { visitorToken: stays.visitorToken });
    expect(caller.id).not.toBe(firstSocketId);
    const resumed = await request<CallResume>(caller, "call:resume", {});
    expect(resumed.call).toMatchObject({ id: stays.call.id, status: "active", answeredAt: stays.call.answeredAt });
    expect(resumed.position).toBeNull();
    expect(Array.isArray(resumed.iceServers)).toBe(true);

    // The agent is told the caller came back with a fresh connection, and negotiation flows again.
    const told = nextEvent<{ callId: string }>(stays.agent, "call:peer-rejoining");
    expect(await request<{ call: CallView }>(caller, "call:rejoin", { callId: stays.call.id })).toMatchObject({ call: { id: stays.call.id } });
    expect(await told).toEqual({ callId: stays.call.id });
    const offer = nextEvent<{ signal: { type: string; sdp?: string } }>(caller, "call:signal");
    await request(stays.agent, "call:signal", { callId: stays.call.id, signal: { type: "offer", sdp: "v=0 fresh offer" } });
    expect((await offer).signal).toEqual({ type: "offer", sdp: "v=0 fresh offer" });

    // The caller who never came back is gone once the window passed: that marks the window as over.
    expect((await leftForGood).call).toMatchObject({ status: "ended", endReason: "caller_left" });
    expect(await statusOf(stays.call.id)).toMatchObject({ status: "active" });
  });

  it("an agent whose console reloaded finds their live call, the caller is told; an agent who does not come back leaves the call ended as agent_left", async () => {
    const stays = await liveCall();
    const leaves = await liveCall();
    const leftForGood = nextEvent<{ call: CallView }>(leaves.caller, "call:ended", ({ call }) => call.id === leaves.call.id, (WINDOW_S + 15) * 1000);

    stays.agent.close();
    leaves.agent.close();
    const agent = await connect(`${back(0)}/agent`, { token: stays.token });
    const resumed = await request<CallResume>(agent, "call:resume", {});
    expect(resumed.call).toMatchObject({ id: stays.call.id, status: "active", answeredAt: stays.call.answeredAt });

    const told = nextEvent<{ callId: string }>(stays.caller, "call:peer-rejoining");
    await request(agent, "call:rejoin", { callId: stays.call.id });
    expect(await told).toEqual({ callId: stays.call.id });

    expect((await leftForGood).call).toMatchObject({ status: "ended", endReason: "agent_left" });
    const kept = await statusOf(stays.call.id);
    expect(kept.status).toBe("active");
    // The timer goes on from the first answer: the server's answered_at is untouched.
    expect(new Date(kept.answered_at!).toISOString()).toBe(stays.call.answeredAt);
  });

  it("resume says when there is no call, a waiting call keeps its place, and only participants may rejoin", async () => {
    const idle = await connect(`${urls[0]}/visitor`, { visitorToken: newVisitorToken() });
    expect(await request<CallResume>(idle, "call:resume", {})).toEqual({ call: null, position: null, iceServers: [] });
    const freeAgent = await connect(`${urls[0]}/agent`, { token: await agentToken() });
    expect(await request<CallResume>(freeAgent, "call:resume", {})).toEqual({ call: null, position: null, iceServers: [] });

    const waitingToken = newVisitorToken();
    const waiting = await connect(`${urls[0]}/visitor`, { visitorToken: waitingToken });
    const { call: queued } = await request<CallStart>(waiting, "call:start", { media: "audio" });
    waiting.close();
    const again = await connect(`${back(0)}/visitor`, { visitorToken: waitingToken });
    const resumed = await request<CallResume>(again, "call:resume", {});
    expect(resumed.call).toMatchObject({ id: queued.id, status: "queued" });
    expect(resumed.position).toBeGreaterThanOrEqual(1);
    // Nothing to rejoin while it waits.
    await expect(request(again, "call:rejoin", { callId: queued.id })).rejects.toMatchObject({ id: "call_not_live" });
    await request(again, "call:hangup", { callId: queued.id });

    const { call } = await liveCall();
    await expect(request(idle, "call:rejoin", { callId: call.id })).rejects.toMatchObject({ id: "not_in_call" });
    await expect(request(freeAgent, "call:rejoin", { callId: call.id })).rejects.toMatchObject({ id: "not_in_call" });
    await expect(request(idle, "call:rejoin", { callId: "not-a-uuid" })).rejects.toMatchObject({ id: "invalid_request" });
    await expect(request(idle, "call:rejoin", { callId: randomUUID() })).rejects.toMatchObject({ id: "call_not_found" });
  });
});
