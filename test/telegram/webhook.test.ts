import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqlite } from "../support/databases.ts";
import { FakeTelegram } from "../support/fakeTelegram.ts";
import { addAgent, startTestApp, type TestApp } from "../support/testApp.ts";

describe("Telegram webhook mode", () => {
  let telegram: FakeTelegram;
  let t: TestApp;
  let dispose: () => Promise<void>;
  const secret = "webhook-secret-0123456789";

  beforeAll(async () => {
    telegram = await new FakeTelegram().start();
    const db = await openSqlite();
    dispose = db.dispose;
    t = await startTestApp({
      database: db,
      telegram,
      env: { TELEGRAM_WEBHOOK_URL: "https://support.example.com/telegram/webhook", TELEGRAM_WEBHOOK_SECRET: secret },
    });
    await t.deps.telegram!.start(t.deps);
  });
  afterAll(async () => {
    await t.close();
    await telegram.stop();
    await dispose();
  });

  const update = (text: string, chatId: number) => ({
    update_id: Math.floor(Math.random() * 1e9),
    message: {
      message_id: 1,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: "private", first_name: "A" },
      from: { id: chatId, is_bot: false, first_name: "A" },
      text,
      entities: [{ type: "bot_command", offset: 0, length: text.split(" ")[0]!.length }],
    },
  });

  it("registers the webhook with its secret instead of polling", () => {
    expect(telegram.calls).toContain("setWebhook");
    expect(telegram.calls).not.toContain("getUpdates");
  });

  it("refuses updates without the right secret header", async () => {
    for (const headers of [{}, { "x-telegram-bot-api-secret-token": "wrong-secret-000000000" }]) {
      const res = await t.app.inject({ method: "POST", url: "/telegram/webhook", payload: update("/start", 1), headers });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.id).toBe("webhook_secret_invalid");
    }
    const malformed = await t.app.inject({ method: "POST", url: "/telegram/webhook", payload: { nope: true }, headers: { "x-telegram-bot-api-secret-token": secret } });
    expect(malformed.statusCode).toBe(400);
  });

  it("checks the secret before reading the body", async () => {
    // Not even JSON, and larger than any update: a stranger's request is refused before parsing.
    const junk = "{".repeat(900 * 1024);
    const stranger = await t.app.inject({ method: "POST", url: "/telegram/webhook", payload: junk, headers: { "content-type": "application/json" } });
    expect(stranger.statusCode).toBe(401);
    expect(stranger.json().error.id).toBe("webhook_secret_invalid");
    // With the secret, a body far larger than an update is refused by its size.
    const huge = await t.app.inject({
      method: "POST",
      url: "/telegram/webhook",
      payload: junk,
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
    });
    expect(huge.statusCode).toBe(413);
  });

  it("handles an update posted with the secret: /start links the agent", async () => {
    await addAgent(t.deps, "hookagent");
    const agent = (await t.deps.domain.db.selectFrom("agents").selectAll().where("username", "=", "hookagent").executeTakeFirstOrThrow());
    const { createTelegramLink } = await import("../../src/domain/auth/telegramLink.ts");
    const { link } = await createTelegramLink(t.deps.domain, agent);
    const token = new URL(link).searchParams.get("start")!;
    const res = await t.app.inject({ method: "POST", url: "/telegram/webhook", payload: update(`/start ${token}`, 7777), headers: { "x-telegram-bot-api-secret-token": secret } });
    expect(res.statusCode).toBe(200);
    await telegram.waitForSent((m) => String(m.chat_id) === "7777" && /bağlandı|linked/.test(String(m.text)));
  });
});
