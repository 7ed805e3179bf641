import { Secret, TOTP } from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueSetupLink } from "../../src/domain/setup.ts";
import { openSqlite } from "../support/databases.ts";
import { FakeTelegram } from "../support/fakeTelegram.ts";
import { addAgent, codeFrom, PASSWORD, startTestApp, type TestApp } from "../support/testApp.ts";

describe("enrolling second factors, linking Telegram and first-run setup", () => {
  let telegram: FakeTelegram;
  let t: TestApp;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    telegram = await new FakeTelegram().start();
    const db = await openSqlite();
    dispose = db.dispose;
    t = await startTestApp({ database: db, telegram });
    await t.deps.telegram!.start(t.deps);
  });
  afterAll(async () => {
    await t.close();
    await telegram.stop();
    await dispose();
  });

  // Code requests are limited per address: each test signs in from its own.
  let address = 0;
  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method: "POST", url, payload: payload as object, headers, remoteAddress: `10.1.0.${address}` });
  const login = async (username: string) => {
    address++;
    return (await post("/api/auth/login", { username, password: PASSWORD })).json();
  };
  const totpCode = (secret: string, at: number) =>
    new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: "SHA1" }).generate({ timestamp: at });

  it("links Telegram with /start <token> during the first sign-in, then signs in with a code", async () => {
    await addAgent(t.deps, "newcomer");
    const first = await login("newcomer");
    expect(first).toMatchObject({ enrollmentRequired: true, codeSent: false, methods: { telegram: false, totp: false } });

    const early = await post("/api/auth/code", { ticket: first.ticket });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.id).toBe("telegram_not_linked");

    const link = await post("/api/auth/enroll/telegram", { ticket: first.ticket });
    expect(link.statusCode).toBe(200);
    const url = new URL(link.json().link);
    expect(`${url.origin}${url.pathname}`).toBe(`https://t.me/${telegram.botUsername}`);
    const token = url.searchParams.get("start")!;
    expect(token).toMatch(/^[\w-]{20,64}$/);

    telegram.pushMessage(5551, `/start ${token}`);
    await telegram.waitForSent((m) => String(m.chat_id) === "5551" && /bağlandı|linked/.test(String(m.text)));

    const sent = await post("/api/auth/code", { ticket: first.ticket });
    expect(sent.statusCode).toBe(200);
    const code = codeFrom((await telegram.waitForSent((m) => String(m.chat_id) === "5551" && /\d{6}/.test(String(m.text)))).text);
    // Telegram was set up in this sign-in: the console asks for the first recovery codes with the code.
    const verified = await post("/api/auth/verify", { ticket: first.ticket, code, issueRecoveryCodes: true });
    expect(verified.statusCode).toBe(200);
    expect(verified.json().agent.telegramLinked).toBe(true);
    expect(verified.json().recoveryCodes).toHaveLength(10);

    // Once a factor exists, a password alone can no longer enrol another one.
    const second = await login("newcomer");
    expect(second.codeSent).toBe(true);
    const blocked = await post("/api/auth/enroll/totp", { ticket: second.ticket });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.id).toBe("enrollment_not_allowed");

    // The link token worked once.
    const before = telegram.sent.length;
    telegram.pushMessage(5552, `/start ${token}`);
    const reply = await telegram.waitForSent((m) => String(m.chat_id) === "5552");
    expect(reply.text).toMatch(/süresi dolmuş|expired/);
    expect(telegram.sent.length).toBe(before + 1);
  });

  it("refuses to link a group chat", async () => {
    await addAgent(t.deps, "groupie");
    const { ticket } = await login("groupie");
    const token = new URL((await post("/api/auth/enroll/telegram", { ticket })).json().link).searchParams.get("start")!;
    telegram.pushMessage(-100777, `/start ${token}`);
    const reply = await telegram.waitForSent((m) => String(m.chat_id) === "-100777");
    expect(reply.text).toMatch(/özel|private/);
    expect((await post("/api/auth/code", { ticket })).json().error.id).toBe("telegram_not_linked");
  });

  it("enrols an authenticator app during the first sign-in, and each code works once", async () => {
    await addAgent(t.deps, "appuser");
    const { ticket } = await login("appuser");
    const enrollment = await post("/api/auth/enroll/totp", { ticket });
    expect(enrollment.statusCode).toBe(200);
    const { secret, uri, qr } = enrollment.json();
    expect(uri).toMatch(/^otpauth:\/\/totp\/destek:appuser\?/);
    expect(qr).toMatch(/^data:image\/svg\+xml;base64,/);

    const wrong = await post("/api/auth/enroll/totp/confirm", { ticket, code: "000000" === totpCode(secret, t.clock.now()) ? "111111" : "000000" });
    expect(wrong.json().error.id).toBe("otp_invalid");
    const confirmed = await post("/api/auth/enroll/totp/confirm", { ticket, code: totpCode(secret, t.clock.now()) });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json().agent.totpEnabled).toBe(true);

    t.clock.advance(30_000);
    const next = await login("appuser");
    expect(next).toMatchObject({ enrollmentRequired: false, methods: { totp: true, telegram: false } });
    const code = totpCode(secret, t.clock.now());
    expect((await post("/api/auth/verify", { ticket: next.ticket, code, method: "totp" })).statusCode).toBe(200);
    const replay = await post("/api/auth/verify", { ticket: next.ticket, code, method: "totp" });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.id).toBe("otp_invalid");
  });

  it("manages second factors from the account page and never removes the last one", async () => {
    await addAgent(t.deps, "settings", { telegramChatId: "6001" });
    const { ticket } = await login("settings");
    const code = codeFrom((await telegram.waitForSent((m) => String(m.chat_id) === "6001")).text);
    const { accessToken } = (await post("/api/auth/verify", { ticket, code })).json();
    const auth = { authorization: `Bearer ${accessToken}` };

    const remove = (factor: string, payload?: object) => t.app.inject({ method: "DELETE", url: `/api/me/${factor}`, headers: auth, ...(payload ? { payload } : {}) });
    const lastOne = await remove("telegram", { password: PASSWORD });
    expect(lastOne.statusCode).toBe(409);
    expect(lastOne.json().error.id).toBe("last_second_factor");

    const { secret } = (await post("/api/me/totp", { password: PASSWORD }, auth)).json();
    expect((await post("/api/me/totp/confirm", { code: totpCode(secret, t.clock.now()) }, auth)).statusCode).toBe(204);
    expect((await remove("telegram", { password: PASSWORD })).statusCode).toBe(204);
    const me = await t.app.inject({ method: "GET", url: "/api/me", headers: auth });
    expect(me.json().agent).toMatchObject({ telegramLinked: false, totpEnabled: true });

    const link = await post("/api/me/telegram-link", { password: PASSWORD }, auth);
    expect(link.json().link).toContain(`t.me/${telegram.botUsername}?start=`);
  });

  it("asks for the current password again before a second factor is added, replaced or removed", async () => {
    await addAgent(t.deps, "stolen", { telegramChatId: "6002" });
    const { ticket } = await login("stolen");
    const code = codeFrom((await telegram.waitForSent((m) => String(m.chat_id) === "6002")).text);
    const { accessToken } = (await post("/api/auth/verify", { ticket, code })).json();
    // Someone holding only the session (a stolen token, an unlocked screen) must not change factors.
    const auth = { authorization: `Bearer ${accessToken}` };
    const attempts = [
      { method: "POST", url: "/api/me/totp" },
      { method: "POST", url: "/api/me/telegram-link" },
      { method: "DELETE", url: "/api/me/telegram" },
      { method: "DELETE", url: "/api/me/totp" },
    ] as const;
    for (const attempt of attempts) {
      const missing = await t.app.inject({ ...attempt, headers: auth, payload: {} });
      expect(missing.statusCode, `${attempt.method} ${attempt.url} without a password`).toBe(400);
      expect(missing.json().error.id).toBe("invalid_request");
      const wrong = await t.app.inject({ ...attempt, headers: auth, payload: { password: "not the password" } });
      expect(wrong.statusCode, `${attempt.method} ${attempt.url} with a wrong password`).toBe(403);
      expect(wrong.json().error.id).toBe("password_incorrect");
    }
    const { secret } = (await post("/api/me/totp", { password: PASSWORD }, auth)).json();
    expect((await post("/api/me/totp/confirm", { code: totpCode(secret, t.clock.now()) }, auth)).statusCode).toBe(204);
    const removed = await t.app.inject({ method: "DELETE", url: "/api/me/totp", headers: auth, payload: { password: PASSWORD } });
    expect(removed.statusCode).toBe(204);
    const me = await t.app.inject({ method: "GET", url: "/api/me", headers: auth });
    expect(me.json().agent).toMatchObject({ telegramLinked: true, totpEnabled: false });
  });

  it("lets only admins list agents", async () => {
    await addAgent(t.deps, "boss", { telegramChatId: "6101", admin: true });
    const { ticket } = await login("boss");
    const code = codeFrom((await telegram.waitForSent((m) => String(m.chat_id) === "6101")).text);
    const { accessToken } = (await post("/api/auth/verify", { ticket, code })).json();
    const list = await t.app.inject({ method: "GET", url: "/api/agents", headers: { authorization: `Bearer ${accessToken}` } });
    expect(list.statusCode).toBe(200);
    expect(list.json().agents.map((a: { username: string }) => a.username)).toContain("boss");
    expect(list.json().agents[0]).not.toHaveProperty("password_hash");
  });

  it("creates the first admin once with the setup link, then never again", async () => {
    const fresh = await openSqlite();
    const other = await startTestApp({ database: fresh });
    try {
      expect((await other.app.inject({ method: "GET", url: "/api/setup" })).json()).toEqual({ needed: true });
      const stale = await issueSetupLink(other.deps.domain);
      const link = await issueSetupLink(other.deps.domain);
      expect(link).toMatch(/^http:\/\/localhost:3000\/console\/setup#[\w-]{40,}$/);
      const token = link!.split("#")[1]!;
      const body = { token, username: "Admin", name: "İlk Yönetici", password: "a strong password" };
      const weak = await other.app.inject({ method: "POST", url: "/api/setup", payload: { ...body, password: "short" } });
      expect(weak.json().error.id).toBe("weak_password");
      expect((await other.app.inject({ method: "POST", url: "/api/setup", payload: { ...body, token: stale!.split("#")[1] } })).statusCode).toBe(401);
      const created = await other.app.inject({ method: "POST", url: "/api/setup", payload: body });
      expect(created.statusCode).toBe(201);
      expect(created.json().agent).toMatchObject({ username: "admin", isAdmin: true, name: "İlk Yönetici" });
      const again = await other.app.inject({ method: "POST", url: "/api/setup", payload: { ...body, username: "second" } });
      expect(again.statusCode).toBe(401);
      expect(again.json().error.id).toBe("setup_token_invalid");
      expect((await other.app.inject({ method: "GET", url: "/api/setup" })).json()).toEqual({ needed: false });
      expect(await issueSetupLink(other.deps.domain)).toBeUndefined();
    } finally {
      await other.close();
      await fresh.dispose();
    }
  });
});
