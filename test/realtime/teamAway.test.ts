import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import type { CallStart } from "../../src/protocol/calls.ts";
import { newVisitorToken, openSocket, request } from "../support/chatClients.ts";
import { addAgent, startTestServer, type TestServer } from "../support/testApp.ts";

// Issue 9: "Call is offered while the team is away, so the caller agrees to recording and waits the
// full ring time for nobody." With no console open and no Telegram chat to ring, a call is refused.
describe("calls while the team is away", () => {
  let t: TestServer;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // No TELEGRAM_ADMIN_CHAT_ID and no agent with a linked chat: nobody can be rung.
    t = await startTestServer();
    await addAgent(t.deps, "selin");
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(() => t.close());

  const connect = async (namespace: string, auth: Record<string, unknown>) => {
    const socket = await openSocket(`${t.url}/${namespace}`, auth);
    sockets.push(socket);
    return socket;
  };

  it("refuses call:start with team_away and tells the widget calls are unavailable, until an agent is online", async () => {
    const caller = await connect("visitor", { visitorToken: newVisitorToken() });
    const synced = await request<{ agentsOnline: boolean; callsAvailable: boolean }>(caller, "conversation:sync", {});
    expect(synced).toMatchObject({ agentsOnline: false, callsAvailable: false });
    await expect(request<CallStart>(caller, "call:start", { media: "audio" })).rejects.toMatchObject({ id: "team_away" });

    const row = (await findAgentByUsername(t.deps.domain.db, "selin"))!;
    await connect("agent", { token: (await startSession(t.deps.domain, row, { ip: null, userAgent: null })).accessToken });
    expect(await request<{ callsAvailable: boolean }>(caller, "conversation:sync", {})).toMatchObject({ callsAvailable: true });
    const { call } = await request<CallStart>(caller, "call:start", { media: "audio" });
    expect(call.status).toBe("queued");
  });
});
