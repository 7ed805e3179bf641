import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { FakeTelegram } from "../support/fakeTelegram.ts";
import { addAgent, PASSWORD, startTestApp, type TestApp } from "../support/testApp.ts";

// A sign-in code Telegram refuses for good is reported as what it is, not as "Telegram unavailable".
describe.each(testDatabases())("sign-in codes Telegram refuses, on $name", (database: TestDatabase) => {
  let telegram: FakeTelegram;
  let t: TestApp;
  let dispose: () => Promise<void>;

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

  const post = (url: string, payload: object, address: string) => t.app.inject({ method: "POST", url, payload, remoteAddress: address });
  const errorOf = (res: LightMyRequestResponse) => res.json<{ error: { id: string; message: string } }>().error;

  const cases = [
    { chat: "7301", status: 403, description: "Forbidden: bot was blocked by the user", id: "telegram_bot_blocked", says: /blocked/ },
    { chat: "7302", status: 400, description: "Bad Request: chat not found", id: "telegram_chat_not_found", says: /no longer knows/ },
  ];
  it.each(cases)("answers $id when Telegram says $description", async ({ chat, status, description, id, says }) => {
    const agent = await addAgent(t.deps, `refused${chat}`, { telegramChatId: chat });
    telegram.failWhen((r) => String(r.args.chat_id) === chat, { status, description }, Number.POSITIVE_INFINITY);
    const address = `10.9.0.${chat.slice(-1)}`;
    const login = await post("/api/auth/login", { username: agent.username, password: PASSWORD }, address);
    expect(login.statusCode).toBe(200);
    expect(login.json().codeSent).toBe(false);
    const resend = await post("/api/auth/code", { ticket: login.json().ticket }, address);
    expect(resend.statusCode).toBe(409);
    expect(errorOf(resend).id).toBe(id);
    expect(errorOf(resend).message).toMatch(says);
  });
});
