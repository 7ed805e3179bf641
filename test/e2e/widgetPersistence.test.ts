import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, launchChromium } from "../support/browser.ts";
import { openSqlite } from "../support/databases.ts";
import { startTestApp, type TestApp } from "../support/testApp.ts";

// The frame runs on destek's origin inside a customer's page: its own storage is third-party, which
// Chromium blocks or partitions. The visitor's identity and unsent messages must still survive a
// reload, kept by the loader in the host page's (first-party) storage.
describe.runIf(browserAvailable())("widget storage kept on the host page", () => {
  let t: TestApp;
  let dispose: () => Promise<void>;
  let browser: Browser;
  let destek: string;
  let host: http.Server;
  let shop: string;
  let context: BrowserContext;
  let visitor: Page;
  /** While true the visitor's socket.io connections fail (WebSocket and polling alike). */
  let offline = false;

  beforeAll(async () => {
    const db = await openSqlite();
    dispose = db.dispose;
    t = await startTestApp({ database: db, env: { PRECHAT_FIELDS: "name:off,email:off,phone:off" } });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    destek = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    // The host page lives on another site (localhost, another port), like a customer's shop.
    host = http.createServer((_req, res) => {
      res.setHeader("content-type", "text/html; charset=utf-8");
      res.end(`<!doctype html><html lang="en"><head><title>Shop</title></head><body><main><h1>Shop</h1></main>
<script src="${destek}/widget.js" data-language="en" async></script></body></html>`);
    });
    await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
    shop = `http://localhost:${(host.address() as AddressInfo).port}/`;
    browser = await launchChromium();

    // One context for the whole file: one visitor, across reloads.
    context = await browser.newContext({ locale: "en-US" });
    await context.addInitScript(`{
      const attach = Element.prototype.attachShadow;
      Element.prototype.attachShadow = function (init) { return attach.call(this, { ...init, mode: "open" }); };
    }`);
    await context.routeWebSocket(/\/socket\.io\//, (ws) => {
      if (offline) void ws.close();
      else ws.connectToServer();
    });
    await context.route("**/socket.io/**", (route) => (offline ? route.abort() : route.fallback()));
    visitor = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    host?.close();
    await t.close();
    await dispose();
  });

  const count = async (table: "visitors" | "conversations"): Promise<number> => {
    const row = await t.deps.domain.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    return Number(row.n);
  };
  const countMessages = async (body: string): Promise<number> => {
    const row = await t.deps.domain.db
      .selectFrom("messages")
      .where("body", "=", body)
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };

  /** Loads the shop, opens the launcher and returns the chat frame. */
  async function openWidget(): Promise<Frame> {
    await visitor.goto(shop);
    const launcher = visitor.getByRole("button", { name: "Open chat" });
    await launcher.click();
    const handle = await visitor.waitForSelector("iframe", { state: "attached" });
    const frame = await handle.contentFrame();
    if (!frame) throw new Error("no widget frame");
    await frame.getByLabel("Message").waitFor();
    return frame;
  }

  async function send(frame: Frame, text: string): Promise<void> {
    await frame.getByLabel("Message").fill(text);
    await frame.getByRole("button", { name: "Send" }).click();
  }

  /** Empties the frame's own storage where the browser allows it, so only the host page's copy is left. */
  const clearFrameStorage = (frame: Frame) =>
    frame.evaluate<string>(`(() => {
      try {
        localStorage.clear();
        return "cleared";
      } catch {
        return "blocked";
      }
    })()`);

  it("keeps the visitor and their conversation across reloads, in the host page's storage", async () => {
    let frame = await openWidget();
    await send(frame, "first message");
    await expect.poll(() => countMessages("first message"), { timeout: 15_000 }).toBe(1);

    const hostStorage = await visitor.evaluate<Record<string, string>>("({ ...localStorage })");
    const keys = Object.keys(hostStorage).filter((key) => key.startsWith("destek:frame:"));
    expect(keys.length).toBeGreaterThan(0);
    const token = hostStorage["destek:frame:destek:visitor"];
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(frame.url()).not.toContain(token);
    expect(await visitor.locator("iframe").getAttribute("src")).not.toContain(token);

    console.log(`frame's own localStorage: ${await clearFrameStorage(frame)}`);
    frame = await openWidget();
    await frame.getByText("first message").waitFor({ timeout: 15_000 });
    expect(frame.url()).not.toContain(token);
    expect(await count("visitors")).toBe(1);
    expect(await count("conversations")).toBe(1);
  }, 60_000);

  it("keeps a message written offline across a reload and sends it once back online", async () => {
    offline = true;
    // Drop the live connection; reconnecting fails while offline.
    t.app.io.of("/visitor").disconnectSockets(true);
    let frame = await openWidget();
    await send(frame, "sent while offline");
    await frame.getByText("Sending…").waitFor();
    await clearFrameStorage(frame);

    frame = await openWidget();
    await frame.getByText("sent while offline").waitFor({ timeout: 15_000 });
    await frame.getByText("Sending…").waitFor();
    expect(await countMessages("sent while offline")).toBe(0);

    offline = false;
    await expect.poll(() => countMessages("sent while offline"), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => frame.getByText("Sending…").count(), { timeout: 15_000 }).toBe(0);
    await frame.getByText("first message").waitFor();
    // Resends after the reconnect must not duplicate it: a message written now goes out on the same
    // connection after any resend, so once it is stored every resend has been handled.
    await send(frame, "written after the reconnect");
    await expect.poll(() => countMessages("written after the reconnect"), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => frame.getByText("Sending…").count(), { timeout: 15_000 }).toBe(0);
    expect(await countMessages("sent while offline")).toBe(1);
    expect(await count("visitors")).toBe(1);
    expect(await count("conversations")).toBe(1);
  }, 60_000);
});
