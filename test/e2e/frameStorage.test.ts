import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Frame, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, CHROMIUM, chromiumArgs } from "../support/browser.ts";
import { startTestServer, type TestServer } from "../support/testApp.ts";

const HOST_TOKEN_KEY = "destek:frame:destek:visitor";

// The visitor token is the visitor's only credential: whoever holds it reads their conversation.
// In a browser without third-party storage partitioning (simulated by turning Chromium's off), the
// frame's own storage on destek's origin is shared by every site that embeds frame.html, and the
// host page's storage is readable by other frames' scripts only through the loader's messages.
describe.runIf(browserAvailable())("the visitor token stays with the visitor's site", () => {
  let t: TestServer;
  let context: BrowserContext;
  let profile: string;
  let destek: string;
  let shopServer: http.Server;
  let evilServer: http.Server;
  let shop: string;
  let evil: string;

  const listen = async (server: http.Server) => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://localhost:${(server.address() as AddressInfo).port}`;
  };

  beforeAll(async () => {
    t = await startTestServer({ env: { PRECHAT_FIELDS: "name:off,email:off,phone:off" } });
    destek = t.url;
    // Another site: a frame on the shop's page (an ad, a widget), and a page of its own that frames destek.
    evilServer = http.createServer((req, res) => {
      res.setHeader("content-type", "text/html; charset=utf-8");
      const record = `<script>window.got = []; addEventListener("message", (e) => window.got.push(e.data));</script>`;
      if (req.url === "/framer") {
        // Plays the loader: answers the frame's "ready" with an empty snapshot, and keeps whatever the frame sends.
        res.end(`<!doctype html><html><body>${record}
<script>
  addEventListener("message", (e) => {
    if (e.data && e.data.type === "destek:ready") e.source.postMessage({ type: "destek:storage", entries: {}, identity: null }, "*");
  });
</script>
<iframe src="${destek}/widget/frame.html?lang=en" title="framed"></iframe></body></html>`);
      } else res.end(`<!doctype html><html><body>${record}</body></html>`);
    });
    evil = await listen(evilServer);
    shopServer = http.createServer((_req, res) => {
      res.setHeader("content-type", "text/html; charset=utf-8");
      // The shop answers "ping" with "pong": a marker that every earlier message was handled.
      res.end(`<!doctype html><html lang="en"><head><title>Shop</title></head><body><h1>Shop</h1>
<script>addEventListener("message", (e) => { if (e.data && e.data.type === "ping") e.source.postMessage({ type: "pong" }, "*"); });</script>
<iframe src="${evil}/child" title="ad"></iframe>
<script src="${destek}/widget.js" data-language="en" async></script></body></html>`);
    });
    shop = await listen(shopServer);
    // A browser of the old kind: one storage per origin, shared by every site that embeds it, with
    // third-party storage allowed (Chromium blocks it unless the profile allows third-party cookies).
    profile = mkdtempSync(join(tmpdir(), "destek-chromium-"));
    mkdirSync(join(profile, "Default"));
    writeFileSync(join(profile, "Default", "Preferences"), JSON.stringify({ profile: { cookie_controls_mode: 0, block_third_party_cookies: false } }));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: chromiumArgs({ disableFeatures: ["ThirdPartyStoragePartitioning"] }),
      locale: "en-US",
    });
  });
  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    shopServer?.close();
    evilServer?.close();
    await t.close();
  });

  async function openShop(): Promise<{ page: Page; widget: Frame }> {
    const page = await context.newPage();
    await page.goto(shop);
    await page.getByRole("button", { name: "Open chat" }).click();
    const widget = await (await page.waitForSelector(`iframe[src^="${destek}"]`, { state: "attached" })).contentFrame();
    if (!widget) throw new Error("no widget frame");
    return { page, widget };
  }

  const received = (frame: Frame) => frame.evaluate<unknown[]>("window.got");

  it("hands the token neither to another frame on the shop's page nor to another site that frames destek", async () => {
    await context.addInitScript(`{
      const attach = Element.prototype.attachShadow;
      Element.prototype.attachShadow = function (init) { return attach.call(this, { ...init, mode: "open" }); };
    }`);
    const { page, widget } = await openShop();
    await widget.getByLabel("Message").fill("my order number is 1234");
    await widget.getByRole("button", { name: "Send" }).click();
    await widget.getByText("my order number is 1234").waitFor({ timeout: 15_000 });
    const token = await page.evaluate<string | null>(`localStorage.getItem(${JSON.stringify(HOST_TOKEN_KEY)})`);
    expect(token).toMatch(/^[\w-]{43}$/);

    // A frame of another origin on the shop's page poses as the widget frame.
    const ad = page.frames().find((f) => f.url().startsWith(`${evil}/child`));
    if (!ad) throw new Error("no ad frame");
    await ad.evaluate(`parent.postMessage({ type: "destek:ready" }, "*");
      parent.postMessage({ type: "destek:store", key: "destek:visitor", value: "attacker-chosen-token-0000000000000000000" }, "*");
      parent.postMessage({ type: "ping" }, "*");`);
    await expect.poll(async () => JSON.stringify(await received(ad)), { timeout: 15_000 }).toContain("pong");
    expect(await received(ad)).toEqual([{ type: "pong" }]);
    expect(await page.evaluate<string | null>(`localStorage.getItem(${JSON.stringify(HOST_TOKEN_KEY)})`)).toBe(token);

    // Another site frames destek directly, in the same browser.
    const framer = await context.newPage();
    await framer.goto(`${evil}/framer`);
    const framed = framer.frames().find((f) => f.url().startsWith(`${destek}/widget/frame.html`));
    if (!framed) throw new Error("no framed widget");
    // The frame saves a visitor token for this site: a marker that it has read its storage and started.
    const storedHere = async () =>
      ((await framer.evaluate<{ type?: string; key?: string; value?: string }[]>("window.got")) ?? []).find(
        (m) => m?.type === "destek:store" && m.key === "destek:visitor",
      );
    await expect.poll(storedHere, { timeout: 15_000 }).toBeDefined();
    // The storage really is shared here (no partitioning), yet the shop visitor's token never left it.
    expect(await framed.evaluate<string[]>("Object.values(localStorage)")).toContain(token);
    expect((await storedHere())?.value).not.toBe(token);
    expect(JSON.stringify(await framer.evaluate("window.got"))).not.toContain(token as string);
  }, 90_000);
});
