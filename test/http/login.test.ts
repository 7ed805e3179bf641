import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OTP_TTL_MS } from "../../src/domain/auth/login.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { FakeTelegram } from "../support/fakeTelegram.ts";
import { addAgent, CookieJar, codeFrom, PASSWORD, startTestApp, type TestApp } from "../support/testApp.ts";

describe.each(testDatabases())("sign-in with password and Telegram code on $name", (database: TestDatabase) => {
  let telegram: FakeTelegram;
  let t: TestApp;
  let dispose: () => Promise<void>;
  let chat = 7000;

  beforeAll(async () => {
    telegram = await new FakeTelegram().start();
    const db = await database.open();
    dispose = db.dispose;
    t = await startTestApp({ database: db, telegram });
  });
  afterAll(async () => {
    await t.close();
    await telegram.stop();
    await dispose();
  });

  // Code requests are limited per address too, so each simulated agent signs in from its own.
  let address = "10.0.0.1";
  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method: "POST", url, payload: payload as object, headers, remoteAddress: address });
  const errorId = (res: LightMyRequestResponse) => res.json<{ error: { id: string } }>().error.id;

  /** A new agent with its own Telegram chat, and the code the bot sent after the password step. */
  async function passwordStep() {
    const chatId = String(++chat);
    address = `10.0.${Math.floor(chat / 250) % 250}.${chat % 250}`;
    const agent = await addAgent(t.deps, `agent${chat}`, { telegramChatId: chatId });
    const before = telegram.sent.length;
    const res = await post("/api/auth/login", { username: agent.username, password: PASSWORD });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ ticket: string; codeSent: boolean; methods: { telegram: boolean } }>();
    expect(body).toMatchObject({ codeSent: true, enrollmentRequired: false, methods: { telegram: true, totp: false } });
    const message = telegram.sent.slice(before).find((m) => String(m.chat_id) === chatId);
    return { agent, ticket: body.ticket, code: codeFrom(message?.text) };
  }

  async function signIn() {
    const step = await passwordStep();
    const jar = new CookieJar();
    const res = await post("/api/auth/verify", { ticket: step.ticket, code: step.code });
    expect(res.statusCode).toBe(200);
    jar.take(res);
    const body = res.json<{ accessToken: string; csrfToken: string; expiresIn: number; agent: { username: string } }>();
    return { ...step, jar, ...body };
  }

  const refresh = (jar: CookieJar, csrfToken: string) =>
    post("/api/auth/refresh", {}, { cookie: jar.header(), "x-csrf-token": csrfToken });
  const me = (accessToken: string) => t.app.inject({ method: "GET", url: "/api/me", headers: { authorization: `Bearer ${accessToken}` } });

  it("delivers a 6-digit code to the linked chat and signs in with it", async () => {
    const session = await signIn();
    expect(session.expiresIn).toBe(15 * 60);
    expect(session.jar.get("destek_refresh")).toBeTruthy();
    const profile = await me(session.accessToken);
    expect(profile.statusCode).toBe(200);
    expect(profile.json().agent.username).toBe(session.agent.username);
  });

  it("answers a wrong username and a wrong password identically", async () => {
    await addAgent(t.deps, "realagent");
    const wrongUser = await post("/api/auth/login", { username: "nobody", password: PASSWORD });
    const wrongPassword = await post("/api/auth/login", { username: "realagent", password: "not the password" });
    expect(wrongUser.statusCode).toBe(401);
    expect(wrongPassword.statusCode).toBe(401);
    expect(wrongUser.json()).toEqual(wrongPassword.json());
    expect(errorId(wrongUser)).toBe("invalid_credentials");
  });

  it("kills a code after five wrong tries, even for the right code", async () => {
    const { ticket, code } = await passwordStep();
    const wrong = code === "000000" ? "111111" : "000000";
    for (let i = 1; i <= 4; i++) {
      const res = await post("/api/auth/verify", { ticket, code: wrong });
      expect(res.statusCode).toBe(401);
      expect(errorId(res)).toBe("otp_invalid");
      expect(res.json().error.message).toContain(`${5 - i}`);
    }
    const fifth = await post("/api/auth/verify", { ticket, code: wrong });
    expect(errorId(fifth)).toBe("otp_locked");
    const right = await post("/api/auth/verify", { ticket, code });
    expect(right.statusCode).toBe(401);
    expect(errorId(right)).toBe("otp_locked");
  });

  it("rejects a code used twice", async () => {
    const { ticket, code } = await passwordStep();
    expect((await post("/api/auth/verify", { ticket, code })).statusCode).toBe(200);
    const again = await post("/api/auth/verify", { ticket, code });
    expect(again.statusCode).toBe(401);
    expect(errorId(again)).toBe("otp_expired");
  });

  it("rejects an expired code", async () => {
    const { ticket, code } = await passwordStep();
    t.clock.advance(OTP_TTL_MS + 1000);
    const res = await post("/api/auth/verify", { ticket, code });
    expect(res.statusCode).toBe(401);
    expect(errorId(res)).toBe("otp_expired");
  });

  it("only the newest code works after a resend", async () => {
    const { agent, ticket, code: first } = await passwordStep();
    const res = await post("/api/auth/code", { ticket });
    expect(res.statusCode).toBe(200);
    const second = codeFrom(telegram.sent.findLast((m) => String(m.chat_id) === agent.username.replace("agent", ""))?.text);
    if (first !== second) expect(errorId(await post("/api/auth/verify", { ticket, code: first }))).toBe("otp_invalid");
    expect((await post("/api/auth/verify", { ticket, code: second })).statusCode).toBe(200);
  });

  it("limits code requests to three a minute per agent", async () => {
    const { ticket } = await passwordStep(); // the password step sent the first code
    expect((await post("/api/auth/code", { ticket })).statusCode).toBe(200);
    expect((await post("/api/auth/code", { ticket })).statusCode).toBe(200);
    const fourth = await post("/api/auth/code", { ticket });
    expect(fourth.statusCode).toBe(429);
    expect(errorId(fourth)).toBe("rate_limited");
    expect(Number(fourth.headers["retry-after"])).toBeGreaterThan(0);
  });

  it("limits code requests to three a minute per address, across agents", async () => {
    address = "10.9.9.9";
    const results: number[] = [];
    for (let i = 0; i < 4; i++) {
      const chatId = String(++chat);
      const agent = await addAgent(t.deps, `agent${chat}`, { telegramChatId: chatId });
      const login = await post("/api/auth/login", { username: agent.username, password: PASSWORD });
      results.push(login.json().codeSent ? 1 : 0);
    }
    expect(results).toEqual([1, 1, 1, 0]);
    t.clock.advance(61_000);
    const chatId = String(++chat);
    const agent = await addAgent(t.deps, `agent${chat}`, { telegramChatId: chatId });
    expect((await post("/api/auth/login", { username: agent.username, password: PASSWORD })).json().codeSent).toBe(true);
  });

  it("rotates the refresh token, and a replayed one revokes the whole family", async () => {
    const session = await signIn();
    const oldToken = session.jar.get("destek_refresh")!;
    const rotated = await refresh(session.jar, session.csrfToken);
    expect(rotated.statusCode).toBe(200);
    session.jar.take(rotated);
    const newToken = session.jar.get("destek_refresh")!;
    expect(newToken).not.toBe(oldToken);
    const { accessToken } = rotated.json<{ accessToken: string }>();
    expect((await me(accessToken)).statusCode).toBe(200);

    const thief = new CookieJar();
    thief.set("destek_refresh", oldToken);
    thief.set("destek_csrf", session.jar.get("destek_csrf")!);
    const replay = await refresh(thief, session.csrfToken);
    expect(replay.statusCode).toBe(401);
    expect(errorId(replay)).toBe("session_reused");

    // The owner's newer token and access token die with the family.
    const owner = await refresh(session.jar, session.csrfToken);
    expect(owner.statusCode).toBe(401);
    expect((await me(accessToken)).statusCode).toBe(401);
  });

  it("needs the CSRF token for cookie-authenticated calls", async () => {
    const session = await signIn();
    const noToken = await post("/api/auth/refresh", {}, { cookie: session.jar.header() });
    expect(noToken.statusCode).toBe(403);
    expect(errorId(noToken)).toBe("csrf_invalid");
    const forged = await post("/api/auth/refresh", {}, { cookie: session.jar.header(), "x-csrf-token": "forged-token" });
    expect(forged.statusCode).toBe(403);
    expect((await refresh(session.jar, session.csrfToken)).statusCode).toBe(200);
  });

  it("sets the refresh cookie httpOnly, SameSite=Strict, on the auth path only", async () => {
    const step = await passwordStep();
    const res = await post("/api/auth/verify", { ticket: step.ticket, code: step.code });
    const cookie = [res.headers["set-cookie"]].flat().find((c) => String(c).startsWith("destek_refresh="));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/api\/auth/);
    expect(cookie).not.toMatch(/Secure/); // PUBLIC_URL is http here
  });

  it("logout revokes the session", async () => {
    const session = await signIn();
    const out = await post("/api/auth/logout", {}, { cookie: session.jar.header(), "x-csrf-token": session.csrfToken });
    expect(out.statusCode).toBe(204);
    expect((await me(session.accessToken)).statusCode).toBe(401);
    expect((await refresh(session.jar, session.csrfToken)).statusCode).toBe(401);
  });

  it("sign out everywhere revokes every session of the agent", async () => {
    const first = await signIn();
    // A second device of the same agent.
    const again = await post("/api/auth/login", { username: first.agent.username, password: PASSWORD });
    const code = codeFrom(telegram.sent.at(-1)?.text);
    const second = await post("/api/auth/verify", { ticket: again.json().ticket, code });
    expect(second.json()).toHaveProperty("accessToken");
    const out = await post("/api/auth/logout-all", {}, { authorization: `Bearer ${first.accessToken}` });
    expect(out.statusCode).toBe(204);
    expect((await me(first.accessToken)).statusCode).toBe(401);
    expect((await me(second.json().accessToken)).statusCode).toBe(401);
  });

  it("keeps the ticket usable when Telegram is down, and says so on resend", async () => {
    const chatId = String(++chat);
    address = "10.8.8.8";
    const agent = await addAgent(t.deps, `agent${chat}`, { telegramChatId: chatId });
    telegram.failNext(1, 502, "Bad Gateway");
    const res = await post("/api/auth/login", { username: agent.username, password: PASSWORD });
    expect(res.statusCode).toBe(200);
    expect(res.json().codeSent).toBe(false);
    telegram.failNext(1, 502, "Bad Gateway");
    const resend = await post("/api/auth/code", { ticket: res.json().ticket });
    expect(resend.statusCode).toBe(502);
    expect(errorId(resend)).toBe("telegram_unavailable");
    const ok = await post("/api/auth/code", { ticket: res.json().ticket });
    expect(ok.statusCode).toBe(200);
  });

  it("refuses a disabled agent at once, even with a live access token", async () => {
    const session = await signIn();
    const { disableAgent } = await import("../../src/domain/agents.ts");
    await disableAgent(t.deps.domain, { type: "system" }, session.agent.username);
    expect((await me(session.accessToken)).statusCode).toBe(401);
    const login = await post("/api/auth/login", { username: session.agent.username, password: PASSWORD });
    expect(errorId(login)).toBe("invalid_credentials");
  });
});
