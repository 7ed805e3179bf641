import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findAgentById } from "../../src/adapters/db/repositories/agents.ts";
import type { DatabaseHandle } from "../../src/adapters/db/database.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import type { AgentStatusView, TeamAgent } from "../../src/protocol/agentStatus.ts";
import type { CallsState, CallStart } from "../../src/protocol/calls.ts";
import type { ConversationSummary, MessageView } from "../../src/protocol/chat.ts";
import { memberAgent, setAutoAssign } from "../support/assignmentFixture.ts";
import { newClientId, newVisitorToken, nextEvent, openSocket, request } from "../support/chatClients.ts";
import { testDatabases } from "../support/databases.ts";
import { testRedisUrl } from "../support/redis.ts";
import { startTestApp, type TestApp } from "../support/testApp.ts";

// Agent status over the sockets, on one node (SQLite) and on two nodes sharing PostgreSQL and
// Redis: a status chosen on one node reaches consoles on the other, and automatic assignment and
// call ringing follow it.

const redisUrl = testRedisUrl();
const postgres = testDatabases().find((d) => d.name === "postgres");
const setups = [
  { name: "one node on SQLite", database: testDatabases()[0]!, nodes: 1 },
  ...(postgres && redisUrl ? [{ name: "two nodes on PostgreSQL and Redis", database: postgres, nodes: 2 }] : []),
];

describe.each(setups)("agent status, $name", (setup) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  let nodes: TestApp[] = [];
  const sockets: Socket[] = [];
  const urlOf = (node: TestApp) => `http://127.0.0.1:${(node.app.server.address() as AddressInfo).port}`;
  const last = () => nodes[nodes.length - 1] as TestApp;
  const first = () => nodes[0] as TestApp;

  beforeAll(async () => {
    handle = await setup.database.open();
    const env: Record<string, string> = setup.nodes > 1 ? { REDIS_URL: redisUrl as string, SECRET_KEY: randomUUID() + randomUUID() } : {};
    for (let i = 0; i < setup.nodes; i++) nodes.push(await startTestApp({ database: handle, env }));
    for (const node of nodes) await node.app.listen({ port: 0, host: "127.0.0.1" });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    for (const node of nodes) await node.close();
    nodes = [];
    await handle.dispose();
  });

  async function consoleOn(node: TestApp, username: string): Promise<{ socket: Socket; id: string; token: string }> {
    const { id } = await memberAgent(node.deps.domain, `${username}${randomUUID().slice(0, 6)}`);
    const agent = (await findAgentById(node.deps.domain.db, id))!;
    const { accessToken } = await startSession(node.deps.domain, agent, { ip: null, userAgent: null });
    const socket = await openSocket(`${urlOf(node)}/agent`, { token: accessToken });
    sockets.push(socket);
    return { socket, id, token: accessToken };
  }

  const statusOf = (socket: Socket, agentId: string, predicate: (v: AgentStatusView) => boolean) =>
    nextEvent<AgentStatusView>(socket, "team:status", (v) => v.agentId === agentId && predicate(v), 20_000);

  it("shows a status an agent chooses to the rest of the team, live and in the team list", async () => {
    const watcher = await consoleOn(last(), "watcher");
    const ayse = await consoleOn(first(), "ayse");
    const away = statusOf(watcher.socket, ayse.id, (v) => v.status === "away");
    const ack = await request<AgentStatusView>(ayse.socket, "status:set", { status: "away" });
    expect(ack).toEqual({ agentId: ayse.id, status: "away", available: false });
    expect(await away).toEqual({ agentId: ayse.id, status: "away", available: false });

    const team = await last().app.inject({ method: "GET", url: "/api/team", headers: { authorization: `Bearer ${watcher.token}` } });
    expect(team.statusCode).toBe(200);
    const row = (team.json() as { agents: TeamAgent[] }).agents.find((a) => a.id === ayse.id);
    // With their role and inboxes, so the assign menu offers only those who may take a conversation.
    expect(row).toMatchObject({ status: "away", available: false, online: true, role: "agent", inboxIds: ["default"] });

    const back = statusOf(watcher.socket, ayse.id, (v) => v.available);
    await request(ayse.socket, "status:set", { status: "online" });
    expect(await back).toEqual({ agentId: ayse.id, status: "online", available: true });
    // Closing the console makes them unavailable, whatever they chose.
    const gone = statusOf(watcher.socket, ayse.id, (v) => !v.available);
    ayse.socket.close();
    expect(await gone).toEqual({ agentId: ayse.id, status: "online", available: false });

    // Each change of availability is noted for the reports' online time, and a repeat is not.
    const noted = async () =>
      (await handle.db.selectFrom("agent_availability").select("available").where("agent_id", "=", ayse.id).orderBy("at").orderBy("id").execute()).map((r) => Number(r.available));
    await expect.poll(async () => (await noted()).at(-1), { timeout: 10_000 }).toBe(0);
    const changes = await noted();
    expect(changes.slice(-3)).toEqual([0, 1, 0]);
    expect(changes.every((v, i) => i === 0 || v !== changes[i - 1])).toBe(true);
  });

  it("refuses a status that is not online, away or offline", async () => {
    const bora = await consoleOn(first(), "bora");
    await expect(request(bora.socket, "status:set", { status: "busy" })).rejects.toMatchObject({ id: "invalid_request" });
  });

  it("assigns a new conversation to the available member, not the one who is away, and rings a call to them first", async () => {
    const away = await consoleOn(first(), "cem");
    const online = await consoleOn(last(), "deniz");
    await request(away.socket, "status:set", { status: "away" });
    // Everyone else from earlier tests steps away, so only `online` is available.
    await handle.db.updateTable("agents").set({ status: "away" }).where("id", "not in", [online.id]).execute();
    await setAutoAssign(handle.db, { auto: true, capacity: 5 });

    const widget = await openSocket(`${urlOf(first())}/visitor`, { visitorToken: newVisitorToken() });
    sockets.push(widget);
    const assigned = nextEvent<ConversationSummary>(away.socket, "conversation:updated", (c) => c.assignee?.id === online.id, 20_000);
    const { message } = await request<{ message: MessageView }>(widget, "message:send", { clientId: newClientId(), body: "Merhaba" });
    expect((await assigned).id).toBe(message.conversationId);

    const ringing = nextEvent<CallsState>(away.socket, "calls:state", (s) => s.queue.length > 0, 20_000);
    const { call } = await request<CallStart>(widget, "call:start", { media: "audio" });
    const entry = (await ringing).queue.find((q) => q.call.id === call.id);
    expect(entry?.ringAgentIds).toEqual([online.id]);
    // The member rung first leaves: the call rings everyone.
    const everyone = nextEvent<CallsState>(away.socket, "calls:state", (s) => s.queue.some((q) => q.call.id === call.id && q.ringAgentIds === null), 20_000);
    online.socket.close();
    await everyone;
    await request(widget, "call:hangup", { callId: call.id });
    await setAutoAssign(handle.db, { auto: false });
  });

  it("tells widgets the team is away when the last available agent steps away, and back when they return", async () => {
    await handle.db.updateTable("agents").set({ status: "away" }).execute();
    const widget = await openSocket(`${urlOf(last())}/visitor`, { visitorToken: newVisitorToken() });
    sockets.push(widget);
    const presence = (online: boolean) => nextEvent<{ online: boolean }>(widget, "agents:presence", (p) => p.online === online, 20_000);
    let change = presence(true);
    const emre = await consoleOn(first(), "emre");
    await change;
    change = presence(false);
    await request(emre.socket, "status:set", { status: "away" });
    await change;
    const config = await last().app.inject({ method: "GET", url: "/api/widget/config" });
    expect((config.json() as { agentsOnline: boolean }).agentsOnline).toBe(false);
    change = presence(true);
    await request(emre.socket, "status:set", { status: "online" });
    await change;
  });
});
