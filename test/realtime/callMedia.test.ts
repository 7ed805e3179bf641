import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { findCall } from "../../src/adapters/db/repositories/calls.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import type { CallStart, CallView } from "../../src/protocol/calls.ts";
import type { Ack } from "../../src/protocol/chat.ts";
import { newVisitorToken, openSocket, request } from "../support/chatClients.ts";
import type { AddressInfo } from "node:net";
import { testDatabases } from "../support/databases.ts";
import { addAgent, startTestApp, type TestApp } from "../support/testApp.ts";

// Call details said "Voice call" after cameras and a screen share were on: the call records the
// media actually used, upgraded to video when either side sends video.
describe.each(testDatabases())("a call's media follows what was sent ($name)", (database) => {
  let t: TestApp & { url: string };
  let dispose: () => Promise<void>;
  const sockets: Socket[] = [];
  let token = "";

  beforeAll(async () => {
    const db = await database.open();
    dispose = db.dispose;
    const app = await startTestApp({ database: db });
    await app.app.listen({ port: 0, host: "127.0.0.1" });
    t = { ...app, url: `http://127.0.0.1:${(app.app.server.address() as AddressInfo).port}` };
    await addAgent(t.deps, "selin", { telegramChatId: "8201" });
    const agent = (await findAgentByUsername(t.deps.domain.db, "selin"))!;
    token = (await startSession(t.deps.domain, agent, { ip: null, userAgent: null })).accessToken;
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(async () => {
    await t.close();
    await dispose();
  });

  const open = async (namespace: string, auth: Record<string, string>) => {
    const socket = await openSocket(`${t.url}${namespace}`, auth);
    sockets.push(socket);
    return socket;
  };
  async function liveAudioCall() {
    const agent = await open("/agent", { token });
    const caller = await open("/visitor", { visitorToken: newVisitorToken() });
    const started = await request<CallStart>(caller, "call:start", { media: "audio" });
    await request<{ call: CallView }>(agent, "call:accept", { callId: started.call.id });
    return { agent, caller, callId: started.call.id };
  }
  const mediaOf = async (callId: string) => (await findCall(t.deps.domain.db, callId))?.media;

  it("turns to video when the caller's camera comes on, and stays video after it is off", async () => {
    const { caller, callId } = await liveAudioCall();
    expect(await mediaOf(callId)).toBe("audio");
    expect(await request(caller, "call:media", { callId, video: true })).toEqual({ media: "video" });
    expect(await mediaOf(callId)).toBe("video");
    expect(await request(caller, "call:media", { callId, video: false })).toEqual({ media: "video" });
    expect(await mediaOf(callId)).toBe("video");
    await request(caller, "call:hangup", { callId });
    const history = await t.app.inject({ method: "GET", url: `/api/calls/${callId}`, headers: { authorization: `Bearer ${token}` } });
    expect(history.json()).toMatchObject({ call: { media: "video" } });
  });

  it("turns to video when the agent shares a screen", async () => {
    const { agent, caller, callId } = await liveAudioCall();
    expect(await request(agent, "call:media", { callId, video: true })).toEqual({ media: "video" });
    expect(await mediaOf(callId)).toBe("video");
    await request(caller, "call:hangup", { callId });
  });

  it("refuses anyone outside the call, and a call that is over", async () => {
    const { caller, callId } = await liveAudioCall();
    const stranger = await open("/visitor", { visitorToken: newVisitorToken() });
    const refused = (await stranger.timeout(10_000).emitWithAck("call:media", { callId, video: true })) as Ack<unknown>;
    expect(refused).toMatchObject({ ok: false, error: { id: "not_in_call" } });
    await request(caller, "call:hangup", { callId });
    const late = (await caller.timeout(10_000).emitWithAck("call:media", { callId, video: true })) as Ack<unknown>;
    expect(late).toMatchObject({ ok: false, error: { id: "not_in_call" } });
    expect(await mediaOf(callId)).toBe("audio");
  });
});
