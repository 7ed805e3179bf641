import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { insertCall } from "../../src/adapters/db/repositories/calls.ts";
import { insertVisitor } from "../../src/adapters/db/repositories/chat.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import { nextEvent, openSocket } from "../support/chatClients.ts";
import { testDatabases } from "../support/databases.ts";
import { capturedLog } from "../support/logCapture.ts";
import { addAgent, startTestApp, type TestApp } from "../support/testApp.ts";

// A live call whose caller was connected to a node that died: no node saw the caller's socket
// close, so no departure watch runs. The stranded-calls job (started by `main` on every node) finds
// the caller gone from every node and ends the call once the rejoin window has passed; a call
// whose participants are connected is left alone.
describe.each(testDatabases())("live calls whose participant is gone from every node ($name)", (database) => {
  let t: TestApp;
  let url: string;
  let dispose: () => Promise<void>;
  const sockets: Socket[] = [];
  const captured = capturedLog("info");

  beforeAll(async () => {
    const db = await database.open();
    dispose = db.dispose;
    t = await startTestApp({ database: db, jobs: true, log: captured.log });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await t.close();
    await dispose();
  });

  const visitor = async () => {
    const id = randomUUID();
    const now = Date.now();
    await insertVisitor(t.deps.domain.db, {
      id, token_hash: randomUUID(), name: null, email: null, phone: null, language: "en", user_agent: null,
      page_url: null, page_title: null, first_seen_at: now, last_seen_at: now, metadata: null,
    });
    return id;
  };
  const liveCall = async (visitorId: string, agentId: string) => {
    const now = t.clock.now();
    const call = {
      id: randomUUID(), visitor_id: visitorId, conversation_id: null, agent_id: agentId, status: "active" as const, media: "audio" as const,
      recording_mode: "off" as const, created_at: now - 10_000, answered_at: now - 5_000, ended_at: null,
      duration_ms: null, end_reason: null, mix_status: null,
    };
    await insertCall(t.deps.domain.db, call);
    return call.id;
  };
  const statusOf = async (callId: string) =>
    t.deps.domain.db.selectFrom("calls").select(["status", "end_reason"]).where("id", "=", callId).executeTakeFirstOrThrow();

  it("ends the call of a caller connected nowhere after the rejoin window, and tells the agent why", async () => {
    await addAgent(t.deps, "kaan");
    const agent = (await findAgentByUsername(t.deps.domain.db, "kaan"))!;
    const console = await openSocket(`${url}/agent`, { token: (await startSession(t.deps.domain, agent, { ip: null, userAgent: null })).accessToken });
    sockets.push(console);
    const callId = await liveCall(await visitor(), agent.id);
    const ended = nextEvent<{ call: { id: string; endReason: string | null } }>(console, "call:ended", (e) => e.call.id === callId, 60_000);

    // Seen missing (the agent is not: their console is connected); the call goes on for the rejoin window.
    await expect.poll(() => captured.lines.filter((l) => l.msg === "a participant of a live call is connected to no node" && l.callId === callId), { timeout: 20_000 }).toHaveLength(1);
    expect((await statusOf(callId)).status).toBe("active");
    t.clock.advance(t.deps.config.calls.rejoinWindowMs + 1000);
    expect((await ended).call.endReason).toBe("caller_left");
    expect(await statusOf(callId)).toEqual({ status: "ended", end_reason: "caller_left" });
  }, 90_000);
});
