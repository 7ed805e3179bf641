import type { LightMyRequestResponse } from "fastify";
import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { INIT_DATA_MAX_AGE_S } from "../../src/domain/calls/telegramMiniApp.ts";
import type { CallStart, CallView } from "../../src/protocol/calls.ts";
import type { TelegramAppSession } from "../../src/protocol/telegramApp.ts";
import { newVisitorToken, openSocket, request } from "../support/chatClients.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { FakeTelegram, inlineButtonsOf } from "../support/fakeTelegram.ts";
import { signedInitData } from "../support/telegramInitData.ts";
import { addAgent, type ListeningTestApp, startListeningApp } from "../support/testApp.ts";

const TEAM_CHAT = -100777;
const DERYA = 8801;
const EMRE = 8802;
const STRANGER = 8899;

// Calls answered inside Telegram: the Mini App's sign-in with Telegram's initData (genuine, forged,
// stale), the alert's three buttons, the "Accept in browser" link, and the claim race.
describe.each(testDatabases())("Telegram Mini App for calls, on $name", (database: TestDatabase) => {
  let telegram: FakeTelegram;
  let t: ListeningTestApp;
  let url: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    telegram = await new FakeTelegram().start();
    t = await startListeningApp(database, {
      telegram,
      env: { PUBLIC_URL: "https://support.example.com", TELEGRAM_ADMIN_CHAT_ID: String(TEAM_CHAT), TELEGRAM_MINI_APP_NAME: "call" },
    });
    url = t.url;
    await addAgent(t.deps, "derya", { telegramChatId: String(DERYA) });
    await addAgent(t.deps, "emre", { telegramChatId: String(EMRE) });
    await t.deps.telegram!.start(t.deps);
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(async () => {
    await t.close();
    await telegram.stop();
  });

  const signIn = (initData: string, callId?: string) =>
    t.app.inject({ method: "POST", url: "/api/telegram/app/session", payload: { initData, ...(callId ? { callId } : {}) } });
  const errorOf = (res: LightMyRequestResponse) => res.json<{ error: { id: string } }>().error.id;
  const now = () => Math.floor(t.deps.domain.clock.now() / 1000);
  const visitor = async () => {
    const socket = await openSocket(`${url}/visitor`, { visitorToken: newVisitorToken() });
    sockets.push(socket);
    return socket;
  };
  const miniAppSocket = async (userId: number, callId: string) => {
    const res = await signIn(signedInitData(telegram.token, { userId, authDate: now() }), callId);
    expect(res.statusCode).toBe(200);
    const socket = await openSocket(`${url}/agent`, { token: res.json<TelegramAppSession>().accessToken });
    sockets.push(socket);
    return socket;
  };

  it("signs the linked agent in with genuine initData, and refuses forged, stale, foreign and malformed data", async () => {
    const genuine = await signIn(signedInitData(telegram.token, { userId: DERYA, authDate: now() }));
    expect(genuine.statusCode).toBe(200);
    expect(genuine.json<TelegramAppSession>()).toMatchObject({ agent: { name: "Agent derya" }, startParam: null, browserLink: null });

    // A direct link's startapp parameter comes back, and gives the call's browser link.
    const callId = "0b9f2a4e-7c1d-4e2a-9f3b-1a2b3c4d5e6f";
    const direct = await signIn(signedInitData(telegram.token, { userId: DERYA, authDate: now(), startParam: callId }));
    expect(direct.json<TelegramAppSession>().startParam).toBe(callId);
    expect(direct.json<TelegramAppSession>().browserLink).toMatch(new RegExp(`^https://support.example.com/telegram/call/${callId}\\?exp=\\d+&sig=`));

    // Any field changed after signing, or signed with another bot's token: forged.
    const tampered = signedInitData(telegram.token, { userId: DERYA, authDate: now() }).replace(`%22id%22%3A${DERYA}`, `%22id%22%3A${EMRE}`);
    expect(tampered).toContain(String(EMRE));
    for (const forged of [tampered, signedInitData("999:another-bot-token-abcdefghijk", { userId: DERYA }), "user=x&auth_date=1&hash=abc"]) {
      const res = await signIn(forged);
      expect(res.statusCode).toBe(401);
      expect(errorOf(res)).toBe("telegram_init_data_invalid");
    }
    const stale = await signIn(signedInitData(telegram.token, { userId: DERYA, authDate: now() - INIT_DATA_MAX_AGE_S - 5 }));
    expect(stale.statusCode).toBe(401);
    expect(errorOf(stale)).toBe("telegram_init_data_stale");

    const stranger = await signIn(signedInitData(telegram.token, { userId: STRANGER, authDate: now() }));
    expect(stranger.statusCode).toBe(403);
    expect(errorOf(stranger)).toBe("telegram_not_linked");

    for (const payload of [{}, { initData: "" }, { initData: 5 }, { initData: "x", callId: "not-a-uuid" }]) {
      const res = await t.app.inject({ method: "POST", url: "/api/telegram/app/session", payload });
      expect(res.statusCode).toBe(400);
    }
  });

  it("rings with Accept in Telegram, Accept in browser and Reject; the browser link opens the console at the call", async () => {
    const { call } = await request<CallStart>(await visitor(), "call:start", { media: "audio" });
    const alertIn = (chat: number) => telegram.waitForSent((m) => String(m.chat_id) === String(chat) && inlineButtonsOf(m).some((b) => b.callback_data === `call:reject:${call.id}`));

    // A private chat: the Mini App as a web_app button.
    const [inTelegram, inBrowser, reject] = inlineButtonsOf(await alertIn(DERYA));
    expect(inTelegram).toEqual({ text: "Telegram'da kabul et", web_app: { url: `https://support.example.com/telegram/app?call=${call.id}` } });
    expect(inBrowser).toEqual({ text: "Tarayıcıda kabul et", url: expect.stringMatching(new RegExp(`^https://support.example.com/telegram/call/${call.id}\\?exp=\\d+&sig=`)) });
    expect(reject).toEqual({ text: "Reddet", callback_data: `call:reject:${call.id}` });

    // A group chat allows no web_app button: the direct Mini App link, with the call as startapp.
    const group = inlineButtonsOf(await alertIn(TEAM_CHAT));
    expect(group.map((b) => b.text)).toEqual(["Telegram'da kabul et", "Tarayıcıda kabul et", "Reddet"]);
    expect(group[0]).toEqual({ text: "Telegram'da kabul et", url: `https://t.me/${telegram.botUsername}/call?startapp=${call.id}` });

    // The browser link: a redirect to the console at the call, while it lives; a tampered one is refused.
    const link = new URL(inBrowser!.url!);
    const opened = await t.app.inject({ method: "GET", url: `${link.pathname}${link.search}` });
    expect(opened.statusCode).toBe(302);
    expect(opened.headers.location).toBe(`/console/calls/${call.id}`);
    const tampered = await t.app.inject({ method: "GET", url: `${link.pathname}${link.search.replace(/sig=./, "sig=A")}` });
    expect(tampered.statusCode).toBe(404);
    t.clock.advance(31 * 60 * 1000);
    const expired = await t.app.inject({ method: "GET", url: `${link.pathname}${link.search}` });
    expect(expired.statusCode).toBe(404);
    expect(errorOf(expired)).toBe("call_link_invalid");
  });

  it("serves the Mini App page, framable only by Telegram Web", async () => {
    const page = await t.app.inject({ method: "GET", url: "/telegram/app?call=0b9f2a4e-7c1d-4e2a-9f3b-1a2b3c4d5e6f" });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expect(page.body).toContain("/console/assets/telegram-");
    expect(page.body).not.toMatch(/<script[^>]+src="https?:/);
    expect(page.headers["content-security-policy"]).toContain("frame-ancestors https://web.telegram.org");
    expect(page.headers["content-security-policy"]).toContain("script-src 'self'");
    expect(page.headers["x-frame-options"]).toBeUndefined();
  });

  it("lets exactly one of two Mini Apps claim a ringing call", async () => {
    const caller = await visitor();
    const { call } = await request<CallStart>(caller, "call:start", { media: "audio" });
    const derya = await miniAppSocket(DERYA, call.id);
    const emre = await miniAppSocket(EMRE, call.id);
    const results = await Promise.allSettled([
      request<{ call: CallView }>(derya, "call:accept", { callId: call.id }),
      request<{ call: CallView }>(emre, "call:accept", { callId: call.id }),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r) => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({ id: "call_taken" });
    const row = await t.deps.domain.db.selectFrom("calls").selectAll().where("id", "=", call.id).executeTakeFirstOrThrow();
    expect(row.status).toBe("active");
    // Every alert of the call now says who took it, without buttons.
    const winner = row.agent_id === (await findAgentByUsername(t.deps.domain.db, "derya"))!.id ? "Agent derya" : "Agent emre";
    for (const chat of [DERYA, EMRE, TEAM_CHAT]) {
      const alert = await telegram.waitForSent((m) => String(m.chat_id) === String(chat) && inlineButtonsOf(m).some((b) => b.callback_data === `call:reject:${call.id}`));
      const edits = () =>
        telegram.otherRequests.filter((r) => r.method === "editMessageText" && String(r.args.chat_id) === String(chat) && Number(r.args.message_id) === alert.message_id);
      await expect.poll(() => edits().length, { timeout: 10_000 }).toBe(1);
      expect(edits()[0]!.args).toMatchObject({ text: expect.stringContaining(`Aramayı ${winner} aldı`), reply_markup: { inline_keyboard: [] } });
    }
    await request(won[0] === results[0] ? derya : emre, "call:hangup", { callId: call.id });
  });
});
