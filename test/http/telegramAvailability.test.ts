import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import { openSqlite } from "../support/databases.ts";
import { FakeTelegram } from "../support/fakeTelegram.ts";
import { addAgent, PASSWORD, startTestApp, type TestApp } from "../support/testApp.ts";

/** Tells the console, before and after sign-in, whether Telegram can be offered at all. */
describe.each([
  { bot: false, telegram: false },
  { bot: true, telegram: true },
])("Telegram availability with a bot configured: $bot", ({ bot, telegram: available }) => {
  let fake: FakeTelegram | undefined;
  let t: TestApp;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    if (bot) fake = await new FakeTelegram().start();
    const db = await openSqlite();
    dispose = db.dispose;
    t = await startTestApp({ database: db, ...(fake ? { telegram: fake } : {}) });
  });
  afterAll(async () => {
    await t.close();
    await fake?.stop();
    await dispose();
  });

  it("says so in the password step, where a new agent picks a second factor", async () => {
    await addAgent(t.deps, "fresh");
    const res = await t.app.inject({ method: "POST", url: "/api/auth/login", payload: { username: "fresh", password: PASSWORD }, remoteAddress: "10.3.0.1" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ enrollmentRequired: true, features: { telegram: available } });
  });

  it("says so on /api/me, where Settings offers linking Telegram", async () => {
    await addAgent(t.deps, "settled");
    const agent = await findAgentByUsername(t.deps.domain.db, "settled");
    if (!agent) throw new Error("the agent was not created");
    const { accessToken } = await startSession(t.deps.domain, agent, { ip: null, userAgent: null });
    const res = await t.app.inject({ method: "GET", url: "/api/me", headers: { authorization: `Bearer ${accessToken}` } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ agent: { username: "settled" }, features: { telegram: available } });
  });

  it.runIf(!bot)("refuses a Telegram enrolment with a clear error instead of a dead end", async () => {
    const login = await t.app.inject({ method: "POST", url: "/api/auth/login", payload: { username: "fresh", password: PASSWORD }, remoteAddress: "10.3.0.2" });
    const res = await t.app.inject({ method: "POST", url: "/api/auth/enroll/telegram", payload: { ticket: login.json().ticket }, remoteAddress: "10.3.0.2" });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: { id: "telegram_not_configured" } });
  });
});
