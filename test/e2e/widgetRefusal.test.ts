import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, launchChromium } from "../support/browser.ts";
import { newVisitorToken, openSocket } from "../support/chatClients.ts";
import { openSqlite } from "../support/databases.ts";
import { startTestApp, type TestApp } from "../support/testApp.ts";

const MINUTE = 60_000;

// A widget the server refuses (a per-address limit) tells the visitor why and for how long, in their
// language, and waits that long before trying again: it never hammers the server.
describe.runIf(browserAvailable())("a refused widget in Chromium", () => {
  let t: TestApp;
  let dispose: () => Promise<void>;
  let browser: Browser;
  let host: http.Server;
  let shop: string;
  let context: BrowserContext;
  let visitor: Page;
  let connections = 0;

  beforeAll(async () => {
    const db = await openSqlite();
    dispose = db.dispose;
    // Memory limiter, its own app: the browser's 127.0.0.1 is counted here only.
    t = await startTestApp({ database: db, env: { PRECHAT_FIELDS: "name:off,email:off,phone:off", NEW_VISITORS_PER_HOUR: "1" } });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    const destek = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    // Every transport connection, counted before any check: each reconnect attempt makes one.
    t.app.io.engine.on("connection", () => {
      connections++;
    });
    host = http.createServer((_req, res) => {
      res.setHeader("content-type", "text/html; charset=utf-8");
      res.end(`<!doctype html><html lang="en"><head><title>Shop</title></head><body><main><h1>Shop</h1></main>
<script src="${destek}/widget.js" data-language="en" async></script></body></html>`);
    });
    await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
    shop = `http://localhost:${(host.address() as AddressInfo).port}/`;
    // The one new visitor this address may add this hour is taken already.
    (await openSocket(`${destek}/visitor`, { visitorToken: newVisitorToken() })).close();
    browser = await launchChromium();
    context = await browser.newContext({ locale: "en-US" });
    await context.addInitScript(`{
      const attach = Element.prototype.attachShadow;
      Element.prototype.attachShadow = function (init) { return attach.call(this, { ...init, mode: "open" }); };
    }`);
    // The page's timers run on a clock the test moves: an hour of waiting takes no time.
    await context.clock.install();
    visitor = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    host?.close();
    await t.close();
    await dispose();
  });

  async function openWidget(): Promise<Frame> {
    await visitor.goto(shop);
    await visitor.getByRole("button", { name: "Open chat" }).click();
    const frame = await (await visitor.waitForSelector("iframe", { state: "attached" })).contentFrame();
    if (!frame) throw new Error("no widget frame");
    return frame;
  }

  /** A round trip from the page to the server: anything the page started before it has reached the server. */
  const roundTrip = (frame: Frame) => frame.evaluate<number>(`fetch("/health").then((r) => r.status)`);

  it("shows the limit and its wait, does not loop, and comes back once the wait is over", async () => {
    const frame = await openWidget();
    const banner = frame.getByRole("status").filter({ hasText: "Too many new visitors from your network" });
    await banner.waitFor({ timeout: 20_000 });
    expect(await banner.textContent()).toMatch(/^Too many new visitors from your network, try again in (59|60) minutes\.$/);
    expect(await roundTrip(frame)).toBe(200);
    const refusedAt = connections;

    // 59 minutes pass in the page: the widget does not try again meanwhile. (A jump, not a run: timers
    // of a live connection would otherwise see a minute pass at once and time out its heartbeat.)
    await context.clock.fastForward(59 * MINUTE);
    expect(await roundTrip(frame)).toBe(200);
    expect(connections).toBe(refusedAt);

    // The hour is over on the server too; the widget reconnects once, and the banner goes.
    t.clock.advance(61 * MINUTE);
    await context.clock.fastForward(2 * MINUTE);
    await expect.poll(() => banner.count(), { timeout: 20_000 }).toBe(0);
    expect(connections).toBe(refusedAt + 1);
    await frame.getByLabel("Message").waitFor();
  }, 90_000);
});
