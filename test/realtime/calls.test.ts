import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import { iceServersFor } from "../../src/domain/calls/ice.ts";
import type { CallStart, CallsState, CallView } from "../../src/protocol/calls.ts";
import { RECORDING_CONSENT_VERSION } from "../../src/protocol/consent.ts";
import type { Ack } from "../../src/protocol/chat.ts";
import { newVisitorToken, nextEvent, openSocket, request } from "../support/chatClients.ts";
import { addAgent, startTestServer, type TestServer } from "../support/testApp.ts";

const TEAM_CHAT = -100777;

describe("calls over the sockets: queue, accept race, signaling only between participants", () => {
  let t: TestServer;
  const sockets: Socket[] = [];
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    t = await startTestServer({ env: { TELEGRAM_ADMIN_CHAT_ID: String(TEAM_CHAT), CALL_DAILY_LIMIT: "3", CALL_RING_TIMEOUT_S: "5" }, jobs: true });
    for (const [username, chat] of [["zehra", "8101"], ["burak", "8102"]] as const) {
      await addAgent(t.deps, username, { telegramChatId: chat });
      const agent = (await findAgentByUsername(t.deps.domain.db, username))!;
      tokens.set(username, (await startSession(t.deps.domain, agent, { ip: null, userAgent: null })).accessToken);
    }
    await t.deps.telegram!.start(t.deps);
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(() => t.close());

  const visitor = async () => {
    const socket = await openSocket(`${t.url}/visitor`, { visitorToken: newVisitorToken() });
    sockets.push(socket);
    return socket;
  };
  const agent = async (username: string) => {
    const socket = await openSocket(`${t.url}/agent`, { token: tokens.get(username) });
    sockets.push(socket);
    return socket;
  };

  it("queues a call, gives it to exactly one of two agents, relays signaling only between the two, and ends it", async () => {
    const [zehra, burak] = [await agent("zehra"), await agent("burak")];
    const caller = await visitor();
    const stranger = await visitor();

    const ringing = nextEvent<CallsState>(zehra, "calls:state", (s) => s.queue.length > 0);
    const started = await request<CallStart>(caller, "call:start", { media: "audio" });
    expect(started).toMatchObject({ position: 1, iceServers: [], call: { status: "queued", media: "audio", recording: "off" } });
    const state = await ringing;
    expect(state.queue.map((q) => q.call.id)).toContain(started.call.id);
    expect(state.usage.limit).toBe(3);
    const callId = started.call.id;

    const accepted = nextEvent<{ call: CallView }>(caller, "call:accepted");
    const results = await Promise.allSettled([request<{ call: CallView }>(zehra, "call:accept", { callId }), request<{ call: CallView }>(burak, "call:accept", { callId })]);
    const winners = results.filter((r): r is PromiseFulfilledResult<{ call: CallView }> => r.status === "fulfilled");
    const losers = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(winners).toHaveLength(1);
    expect(losers[0]!.reason).toMatchObject({ id: "call_taken" });
    const winnerName = winners[0]!.value.call.agent!.name;
    expect(losers[0]!.reason.message).toBe(`${winnerName} took this call.`);
    expect((await accepted).call.agent?.name).toBe(winnerName);
    const [winner, loser] = winnerName === "Agent zehra" ? [zehra, burak] : [burak, zehra];

    // Offer from the caller reaches the winning agent, and nobody else.
    let leaked = false;
    loser.on("call:signal", () => {
      leaked = true;
    });
    stranger.on("call:signal", () => {
      leaked = true;
    });
    let injected = false;
    for (const participant of [caller, winner]) {
      participant.on("call:signal", ({ signal }: { signal: { type: string; sdp?: string } }) => {
        if (signal.sdp === "evil") injected = true;
      });
    }
    const offer = nextEvent<{ callId: string; signal: { type: string } }>(winner, "call:signal");
    await request(caller, "call:signal", { callId, signal: { type: "offer", sdp: "v=0 fake offer" } });
    expect(await offer).toEqual({ callId, signal: { type: "offer", sdp: "v=0 fake offer" } });
    const answer = nextEvent<{ signal: { type: string } }>(caller, "call:signal");
    await request(winner, "call:signal", { callId, signal: { type: "answer", sdp: "v=0 fake answer" } });
    expect((await answer).signal.type).toBe("answer");
    await request(winner, "call:signal", { callId, signal: { type: "candidate", candidate: { candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host", sdpMid: "0", sdpMLineIndex: 0 } } });

    // Outsiders can neither inject nor listen. Each refusal comes back on the outsider's own
    // connection after every relay above, so anything relayed to them would have arrived before it.
    await expect(request(stranger, "call:signal", { callId, signal: { type: "offer", sdp: "evil" } })).rejects.toMatchObject({ id: "not_in_call" });
    await expect(request(loser, "call:signal", { callId, signal: { type: "answer", sdp: "evil" } })).rejects.toMatchObject({ id: "not_in_call" });
    await expect(request(stranger, "call:hangup", { callId })).rejects.toMatchObject({ id: "not_in_call" });
    await expect(request(caller, "call:signal", { callId, signal: { type: "offer", sdp: "x".repeat(30_000) } })).rejects.toMatchObject({ id: "invalid_request" });
    expect(leaked).toBe(false);
    // And the participants got none of the injected messages: a genuine signal sent after them
    // arrives, with nothing injected ahead of it.
    type CandidateSignal = { signal: { type: string; candidate?: { candidate: string } } };
    const lastCandidate = nextEvent<CandidateSignal>(winner, "call:signal", ({ signal }) => signal.candidate?.candidate.startsWith("candidate:2 ") === true);
    await request(caller, "call:signal", { callId, signal: { type: "candidate", candidate: { candidate: "candidate:2 1 udp 1 127.0.0.1 10 typ host", sdpMid: "0", sdpMLineIndex: 0 } } });
    await lastCandidate;
    const backToCaller = nextEvent<CandidateSignal>(caller, "call:signal", ({ signal }) => signal.candidate?.candidate.startsWith("candidate:3 ") === true);
    await request(winner, "call:signal", { callId, signal: { type: "candidate", candidate: { candidate: "candidate:3 1 udp 1 127.0.0.1 11 typ host", sdpMid: "0", sdpMLineIndex: 0 } } });
    await backToCaller;
    expect(injected).toBe(false);
    expect(leaked).toBe(false);

    const endedForAgent = nextEvent<{ call: CallView }>(winner, "call:ended");
    t.clock.advance(30_000);
    const { call } = await request<{ call: CallView }>(caller, "call:hangup", { callId });
    expect(call).toMatchObject({ status: "ended", endReason: "caller_hung_up" });
    // The server's clock decides the length: from the answer to the hang-up, 30 s of it skipped ahead.
    expect(call.durationMs).toBe(Date.parse(call.endedAt!) - Date.parse(call.answeredAt!));
    expect(call.durationMs).toBeGreaterThanOrEqual(30_000);
    expect((await endedForAgent).call.id).toBe(callId);
  });

  it("rings Telegram with Accept and Reject; Reject works from Telegram", async () => {
    const caller = await visitor();
    const { call } = await request<CallStart>(caller, "call:start", { media: "video" });
    const alert = await t.telegram.waitForSent((m) => String(m.chat_id) === String(TEAM_CHAT) && JSON.stringify(m.reply_markup ?? "").includes(call.id));
    expect(String(alert.text)).toContain("(görüntülü)");
    const keyboard = (alert.reply_markup as { inline_keyboard: Array<Array<{ text: string; callback_data?: string; url?: string }>> }).inline_keyboard.flat();
    const reject = keyboard.find((b) => b.callback_data === `call:reject:${call.id}`);
    expect(reject?.text).toBe("Reddet");
    // Accept is a callback too (the bot claims the call, then links to the console): never a URL button.
    expect(keyboard.find((b) => b.callback_data === `call:accept:${call.id}`)?.text).toBe("Kabul et");
    expect(keyboard.some((b) => b.url)).toBe(false);

    const ended = nextEvent<{ call: CallView }>(caller, "call:ended");
    t.telegram.pushCallbackQuery(8101, reject!.callback_data!, alert);
    expect((await ended).call).toMatchObject({ id: call.id, status: "rejected" });
    await expect
      .poll(() => t.telegram.otherRequests.find((r) => r.method === "answerCallbackQuery")?.args.text, { timeout: 5000 })
      .toBe("Reddedildi (Agent zehra)");
  });

  it("misses a call nobody answers, and tells Telegram", async () => {
    const caller = await visitor();
    const { call } = await request<CallStart>(caller, "call:start", { media: "audio" });
    const ended = await nextEvent<{ call: CallView }>(caller, "call:ended", () => true, 15_000);
    expect(ended.call).toMatchObject({ id: call.id, status: "missed", endReason: "ring_timeout" });
    await t.telegram.waitForSent((m) => String(m.text).includes("Cevapsız arama"));
  }, 20_000);

  it("makes one call of two tabs of one visitor pressing Call at once", async () => {
    const token = newVisitorToken();
    const tabs = [await openSocket(`${t.url}/visitor`, { visitorToken: token }), await openSocket(`${t.url}/visitor`, { visitorToken: token })];
    sockets.push(...tabs);
    const started = await Promise.all(tabs.flatMap((tab) => [request<CallStart>(tab, "call:start", { media: "audio" }), request<CallStart>(tab, "call:start", { media: "audio" })]));
    expect(new Set(started.map((s) => s.call.id)).size).toBe(1);
    await request(tabs[0]!, "call:hangup", { callId: started[0]!.call.id });
  });

  it("holds a visitor to their daily limit however fast they call and hang up (the probe's 20 calls in 1.6 s)", async () => {
    const caller = await visitor();
    const outcomes: string[] = [];
    for (let i = 0; i < 20; i++) {
      try {
        const { call } = await request<CallStart>(caller, "call:start", { media: "audio" });
        await request(caller, "call:hangup", { callId: call.id });
        outcomes.push("placed");
      } catch (error) {
        outcomes.push((error as { id: string }).id);
      }
    }
    // CALL_VISITOR_DAILY_LIMIT defaults to 3.
    expect(outcomes).toEqual([...Array(3).fill("placed"), ...Array(17).fill("call_limit_visitor")]);
  });

  it("counts answered calls against the team's daily limit, then refuses new calls with a polite message", async () => {
    // Limit 3: the first test's call was answered; rejected, missed and cancelled calls took no team slot.
    const zehra = await agent("zehra");
    for (let i = 0; i < 2; i++) {
      const { call } = await request<CallStart>(await visitor(), "call:start", { media: "audio" });
      await request(zehra, "call:accept", { callId: call.id });
      await request(zehra, "call:hangup", { callId: call.id });
    }
    await expect(request(await visitor(), "call:start", { media: "audio" })).rejects.toMatchObject({
      id: "call_limit_team",
      message: expect.stringMatching(/all the calls it can today/),
    });
  });
});

describe("recording consent over the sockets", () => {
  let t: TestServer;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // A team chat to ring: with nobody reachable at all, a call is refused as team_away first.
    t = await startTestServer({ env: { RECORDING: "audio+video", TELEGRAM_ADMIN_CHAT_ID: "-1001234567890" } });
  });
  afterAll(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await t.close();
  });

  it("refuses a recorded call without consent to the current mode, saying which mode to ask about", async () => {
    const caller = await openSocket(`${t.url}/visitor`, { visitorToken: newVisitorToken() });
    sockets.push(caller);
    for (const consent of [undefined, { mode: "audio", version: RECORDING_CONSENT_VERSION }]) {
      const answer = await new Promise<Ack<CallStart>>((resolve) => caller.emit("call:start", { media: "audio", ...(consent ? { consent } : {}) }, resolve));
      expect(answer).toMatchObject({ ok: false, error: { id: "recording_consent_required", details: { mode: "audio+video" } } });
    }
    const { call } = await request<CallStart>(caller, "call:start", { media: "audio", consent: { mode: "audio+video", version: RECORDING_CONSENT_VERSION } });
    expect(call).toMatchObject({ recording: "audio+video", consent: { mode: "audio+video", version: RECORDING_CONSENT_VERSION } });
    await request(caller, "call:hangup", { callId: call.id });
  });
});

describe("ICE servers", () => {
  it("hands out only configured servers, with short-lived TURN credentials per call", () => {
    expect(iceServersFor([], undefined, "c1", 0, 600)).toEqual([]);
    const servers = iceServersFor(["stun:turn.example.com:3478", "turn:turn.example.com:3478?transport=udp"], "0123456789abcdef", "call-1", 1_700_000_000_000, 600);
    expect(servers[0]).toEqual({ urls: ["stun:turn.example.com:3478"] });
    expect(servers[1]).toMatchObject({ urls: ["turn:turn.example.com:3478?transport=udp"], username: "1700000600:call-1" });
    expect(servers[1]!.credential).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });
});
