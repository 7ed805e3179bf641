import { randomUUID } from "node:crypto";
import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import type { CallOpened, CallStart, CallView } from "../../src/protocol/calls.ts";
import { newVisitorToken, openSocket, request } from "../support/chatClients.ts";
import { addAgent, startTestServer, type TestServer } from "../support/testApp.ts";

// `call:open`: what a console opened at /calls/:id learns, and that only the call's agent gets the
// ICE servers to join it with.
describe("opening a call in the console", () => {
  let t: TestServer;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startTestServer({ env: { ICE_SERVERS: "stun:stun.example.com:3478" } });
    await addAgent(t.deps, "pelin");
    await addAgent(t.deps, "okan");
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
  const agent = async (username: string) => {
    const row = (await findAgentByUsername(t.deps.domain.db, username))!;
    return connect("agent", { token: (await startSession(t.deps.domain, row, { ip: null, userAgent: null })).accessToken });
  };

  it("shows a waiting call with its place, gives its agent the ICE servers, and others only who took it", async () => {
    const [pelin, okan] = [await agent("pelin"), await agent("okan")];
    const caller = await connect("visitor", { visitorToken: newVisitorToken() });
    const { call } = await request<CallStart>(caller, "call:start", { media: "audio" });

    expect(await request<CallOpened>(okan, "call:open", { callId: call.id })).toMatchObject({
      call: { id: call.id, status: "queued" },
      position: 1,
      iceServers: null,
    });

    await request<{ call: CallView }>(pelin, "call:accept", { callId: call.id });
    const forPelin = await request<CallOpened>(pelin, "call:open", { callId: call.id });
    expect(forPelin).toMatchObject({ call: { status: "active", agent: { name: "Agent pelin" } }, position: null });
    expect(forPelin.iceServers).toEqual([{ urls: ["stun:stun.example.com:3478"] }]);
    expect(await request<CallOpened>(okan, "call:open", { callId: call.id })).toMatchObject({
      call: { status: "active", agent: { name: "Agent pelin" } },
      iceServers: null,
    });

    await request(caller, "call:hangup", { callId: call.id });
    expect(await request<CallOpened>(pelin, "call:open", { callId: call.id })).toMatchObject({ call: { status: "ended" }, iceServers: null });
    await expect(request(pelin, "call:open", { callId: randomUUID() })).rejects.toMatchObject({ id: "call_not_found" });
  });
});
