import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqlite } from "../support/databases.ts";
import { FakeTelegram } from "../support/fakeTelegram.ts";
import { waitFor } from "../support/process.ts";
import { startTestApp, type TestApp } from "../support/testApp.ts";

// Telegram's health is seen from the bot's own calls, shown in /health and /metrics, and never
// makes the node unready: a Telegram outage must not take destek out of a load balancer.
const METRICS_TOKEN = "metrics-token-for-tests";

describe("Telegram health for operations", () => {
  let telegram: FakeTelegram;
  let t: TestApp;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    telegram = await new FakeTelegram().start();
    const db = await openSqlite();
    dispose = db.dispose;
    t = await startTestApp({ database: db, telegram, env: { METRICS_TOKEN } });
    await t.deps.telegram!.start(t.deps);
  });
  afterAll(async () => {
    await t.close();
    await telegram.stop();
    await dispose();
  });

  const health = async () => (await t.app.inject({ method: "GET", url: "/health" })).json<{ status: string; telegram: string }>();
  const telegramState = async () => (await t.app.inject({ method: "GET", url: "/metrics", headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).body.match(/destek_telegram_state\{state="(\w+)"[^}]*\} 1/)?.[1];

  it("stays ready through a Telegram outage, without asking Telegram", async () => {
    await waitFor(async () => ((await health()).telegram === "ok" ? true : undefined), 10_000, () => "telegram ok after polling starts");
    expect(await telegramState()).toBe("ok");
    telegram.down = true;
    await waitFor(async () => ((await health()).telegram === "unavailable" ? true : undefined), 15_000, () => "telegram to be seen unavailable");
    expect(await health()).toEqual({ status: "ok", telegram: "unavailable" });
    expect(await telegramState()).toBe("unavailable");
    const getMeBefore = telegram.calls.filter((c) => c === "getMe").length;
    const ready = await t.app.inject({ method: "GET", url: "/ready" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks).toEqual({ database: "ok" });
    expect(telegram.calls.filter((c) => c === "getMe").length).toBe(getMeBefore);
    telegram.down = false;
    await waitFor(async () => ((await health()).telegram === "ok" ? true : undefined), 15_000, () => "telegram ok again");
  }, 40_000);

  it("says off when Telegram is not configured", async () => {
    const db = await openSqlite();
    const plain = await startTestApp({ database: db });
    try {
      expect((await plain.app.inject({ method: "GET", url: "/health" })).json()).toEqual({ status: "ok", telegram: "off" });
    } finally {
      await plain.close();
      await db.dispose();
    }
  });
});
