import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import type { CallStart, CallView } from "../../src/protocol/calls.ts";
import { newVisitorToken, nextEvent, openSocket, request } from "../support/chatClients.ts";
import { type FakeTelegram, inlineButtonsOf, type SentMessage } from "../support/fakeTelegram.ts";
import { addAgent, startTestServer, type TestServer } from "../support/testApp.ts";

const TEAM_CHAT = -100888;
const DENIZ = 9101;
const ECE = 9102;
const STRANGER = 5555;

/** What the bot did besides sending messages, as it happened: answered presses, edited alerts. */
const requestsOf = (telegram: FakeTelegram, method: string) => telegram.otherRequests.filter((r) => r.method === method).map((r) => r.args);

// Accept and Reject pressed under a Telegram call alert, through a fake Bot API server's callback_query.
describe("call buttons in Telegram", () => {
  let t: TestServer;
  let telegram: FakeTelegram;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // Default PUBLIC_URL (localhost): Telegram would refuse it in a URL button.
    t = await startTestServer({ env: { TELEGRAM_ADMIN_CHAT_ID: String(TEAM_CHAT) } });
    telegram = t.telegram;
    await addAgent(t.deps, "deniz", { telegramChatId: String(DENIZ) });
    await addAgent(t.deps, "ece", { telegramChatId: String(ECE) });
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
  const agentSocket = async (username: string) => {
    const agent = (await findAgentByUsername(t.deps.domain.db, username))!;
    const { accessToken } = await startSession(t.deps.domain, agent, { ip: null, userAgent: null });
    const socket = await openSocket(`${t.url}/agent`, { token: accessToken });
    sockets.push(socket);
    return socket;
  };
  const alertIn = (chat: number, callId: string) =>
    telegram.waitForSent((m) => String(m.chat_id) === String(chat) && inlineButtonsOf(m).some((b) => b.callback_data?.endsWith(callId)));
  /** The three alerts of a call: the team chat and each linked agent's chat. */
  const alertsOf = (callId: string) => Promise.all([alertIn(TEAM_CHAT, callId), alertIn(DENIZ, callId), alertIn(ECE, callId)]);
  const callRow = (id: string) => t.deps.domain.db.selectFrom("calls").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  /** Presses a button and returns the bot's answer to that press (answerCallbackQuery's arguments). */
  const press = async (from: number, data: string, message: SentMessage) => {
    const seen = requestsOf(telegram, "answerCallbackQuery").length;
    telegram.pushCallbackQuery(from, data, message);
    await expect.poll(() => requestsOf(telegram, "answerCallbackQuery").length, { timeout: 10_000 }).toBeGreaterThan(seen);
    return requestsOf(telegram, "answerCallbackQuery")[seen]!;
  };
  const editsOf = (chat: number, messageId: number) =>
    requestsOf(telegram, "editMessageText").filter((e) => String(e.chat_id) === String(chat) && Number(e.message_id) === messageId);

  it("rings every chat with Accept and Reject callback buttons (Telegram takes no link to localhost); Reject ends the call for the caller and updates every alert", async () => {
    const caller = await visitor();
    const { call } = await request<CallStart>(caller, "call:start", { media: "audio" });
    const [team, deniz, ece] = await alertsOf(call.id);
    for (const alert of [team, deniz, ece]) {
      expect(alert.text).toContain("arıyor");
      expect(inlineButtonsOf(alert)).toEqual([
        { text: "Kabul et", callback_data: `call:accept:${call.id}` },
        { text: "Reddet", callback_data: `call:reject:${call.id}` },
      ]);
    }

    const ended = nextEvent<{ call: CallView }>(caller, "call:ended");
    const answer = await press(DENIZ, `call:reject:${call.id}`, team);
    expect(answer.text).toBe("Reddedildi (Agent deniz)");
    expect((await ended).call).toMatchObject({ id: call.id, status: "rejected" });
    expect(await callRow(call.id)).toMatchObject({ status: "rejected", agent_id: null });

    // Every chat's alert now says who rejected it, without buttons.
    for (const [chat, alert] of [[TEAM_CHAT, team], [DENIZ, deniz], [ECE, ece]] as const) {
      await expect.poll(() => editsOf(chat, alert.message_id).length, { timeout: 5000 }).toBe(1);
      const [edit] = editsOf(chat, alert.message_id);
      expect(edit!.text).toContain("Reddedildi (Agent deniz)");
      expect(edit!.reply_markup).toEqual({ inline_keyboard: [] });
    }
  });

  it("Accept refuses an unlinked user, gives the call to the linked agent, links them to the console, and tells a late presser who took it", async () => {
    const denizRow = (await findAgentByUsername(t.deps.domain.db, "deniz"))!;
    const caller = await visitor();
    const eceConsole = await agentSocket("ece");
    const { call } = await request<CallStart>(caller, "call:start", { media: "video" });
    const [team, , eceAlert] = await alertsOf(call.id);

    // A Telegram user who is no agent: a clear refusal, and the call keeps ringing.
    const refused = await press(STRANGER, `call:accept:${call.id}`, team);
    expect(refused).toMatchObject({ show_alert: true, text: expect.stringContaining("bağlı değil") });
    expect((await callRow(call.id)).status).toBe("queued");

    const accepted = nextEvent<{ call: CallView }>(caller, "call:accepted");
    const taken = nextEvent<{ call: CallView }>(eceConsole, "call:taken", (p) => p.call.id === call.id);
    const answer = await press(DENIZ, `call:accept:${call.id}`, team);
    expect(answer.text).toBe("Aramayı siz aldınız");
    expect(answer.show_alert).toBeFalsy();
    expect((await accepted).call).toMatchObject({ id: call.id, status: "active", agent: { name: "Agent deniz" } });
    expect((await taken).call.agent?.id).toBe(denizRow.id);
    expect(await callRow(call.id)).toMatchObject({ status: "active", agent_id: denizRow.id });

    // The agent gets the way to the console in their own chat; a localhost link goes as text.
    const link = `${t.deps.domain.publicUrl}/console/calls/${call.id}`;
    const note = await telegram.waitForSent((m) => String(m.chat_id) === String(DENIZ) && String(m.text).includes(link));
    expect(note.text).toContain("görüşmeyi aldınız");
    expect(inlineButtonsOf(note).some((b) => b.url)).toBe(false);

    // The other chats' alerts say who took it.
    await expect.poll(() => editsOf(ECE, eceAlert.message_id).length, { timeout: 5000 }).toBe(1);
    expect(editsOf(ECE, eceAlert.message_id)[0]!.text).toContain("Aramayı Agent deniz aldı");

    // Ece presses Accept on her (stale) alert: an alert naming the taker, and nothing changes.
    const late = await press(ECE, `call:accept:${call.id}`, eceAlert);
    expect(late).toMatchObject({ show_alert: true, text: "Bu aramayı Agent deniz aldı." });
    expect(await callRow(call.id)).toMatchObject({ status: "active", agent_id: denizRow.id });
    const lateReject = await press(ECE, `call:reject:${call.id}`, eceAlert);
    expect(lateReject).toMatchObject({ show_alert: true, text: "Bu arama artık beklemiyor." });
    expect((await callRow(call.id)).status).toBe("active");
  });

  it("Accept in Telegram is refused while the agent is in another call", async () => {
    const eceRow = (await findAgentByUsername(t.deps.domain.db, "ece"))!;
    const eceConsole = await agentSocket("ece");
    const first = await request<CallStart>(await visitor(), "call:start", { media: "audio" });
    await request(eceConsole, "call:accept", { callId: first.call.id });
    const second = await request<CallStart>(await visitor(), "call:start", { media: "audio" });
    const [, , eceAlert] = await alertsOf(second.call.id);
    const busy = await press(ECE, `call:accept:${second.call.id}`, eceAlert);
    expect(busy).toMatchObject({ show_alert: true, text: "Başka bir görüşmedesiniz. Bu aramayı almak için önce onu kapatın." });
    expect(await callRow(second.call.id)).toMatchObject({ status: "queued", agent_id: null });
    expect(await callRow(first.call.id)).toMatchObject({ status: "active", agent_id: eceRow.id });
    await request(eceConsole, "call:hangup", { callId: first.call.id });
    const accepted = await press(ECE, `call:accept:${second.call.id}`, eceAlert);
    expect(accepted.text).toBe("Aramayı siz aldınız");
    await request(eceConsole, "call:hangup", { callId: second.call.id });
  });
});

describe("call Accept in Telegram with a public URL", () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ env: { PUBLIC_URL: "https://support.example.com" } });
    await addAgent(t.deps, "deniz", { telegramChatId: String(DENIZ) });
    await t.deps.telegram!.start(t.deps);
  });
  afterAll(() => t.close());

  it("sends the console link as a URL button", async () => {
    const caller = await openSocket(`${t.url}/visitor`, { visitorToken: newVisitorToken() });
    try {
      const { call } = await request<CallStart>(caller, "call:start", { media: "audio" });
      const alert = await t.telegram.waitForSent((m) => String(m.chat_id) === String(DENIZ) && inlineButtonsOf(m).length > 0);
      // With an HTTPS address the alert opens the Mini App or the console (test/telegram/miniApp.test.ts);
      // an Accept callback, as alerts posted before carry, still claims the call.
      expect(inlineButtonsOf(alert).map((b) => b.text)).toEqual(["Telegram'da kabul et", "Tarayıcıda kabul et", "Reddet"]);
      const accepted = nextEvent<{ call: CallView }>(caller, "call:accepted");
      t.telegram.pushCallbackQuery(DENIZ, `call:accept:${call.id}`, alert);
      await accepted;
      const note = await t.telegram.waitForSent((m) => String(m.chat_id) === String(DENIZ) && m.message_id !== alert.message_id && inlineButtonsOf(m).some((b) => b.url));
      expect(inlineButtonsOf(note)).toEqual([{ text: "Görüşmeyi aç", url: `https://support.example.com/console/calls/${call.id}` }]);
    } finally {
      caller.close();
    }
  });
});
