import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityHash, identitySecret } from "../../src/domain/chat/identity.ts";
import { seriousViolations } from "../support/axe.ts";
import { browserAvailable, launchChromium } from "../support/browser.ts";
import { signInConsole } from "../support/callPages.ts";
import { addAgent, startTestServer, type TestServer } from "../support/testApp.ts";

// The widget's JavaScript API as a shop's page uses it: calls queued before widget.js has loaded
// (both stub styles the README shows), open/close, on() events, identify with a good and a forged
// signature, setLanguage, and the preview bubble for an agent's message while the chat is closed.

/** The README's stub: methods that queue their calls until the loader replaces them. */
const METHOD_STUB = `window.destek = window.destek || { q: [] };
  ["open", "close", "identify", "on", "setLanguage"].forEach(function (m) {
    window.destek[m] = window.destek[m] || function () { window.destek.q.push([m].concat([].slice.call(arguments))); };
  });`;
/** The one-function stub, Intercom style: destek("open"). */
const FUNCTION_STUB = "window.destek = window.destek || function () { (window.destek.q = window.destek.q || []).push(arguments); };";
/** What the page's listeners saw, in order. */
const RECORD = `window.seen = [];
  destek.on("open", function () { seen.push({ event: "open" }); });
  destek.on("close", function () { seen.push({ event: "close" }); });
  destek.on("message", function (m) { seen.push({ event: "message", from: m.from, name: m.name, text: m.text }); });`;
const RECORD_CALLS = `window.seen = [];
  destek("on", "open", function () { seen.push({ event: "open" }); });
  destek("on", "message", function (m) { seen.push({ event: "message", from: m.from, name: m.name, text: m.text }); });`;

interface Seen {
  event: "open" | "close" | "message";
  from?: string;
  name?: string | null;
  text?: string;
}

describe.runIf(browserAvailable())("the widget's JavaScript API on a shop's page", () => {
  let t: TestServer;
  let browser: Browser;
  let host: http.Server;
  let shop: string;
  let agent: Page;

  beforeAll(async () => {
    t = await startTestServer();
    const user = JSON.stringify({ userId: "api-user-7", name: "Derya Demir", userHash: identityHash(identitySecret(t.deps.domain), "api-user-7") });
    // Signed with a guessed secret: the server must refuse it.
    const forged = JSON.stringify({ userId: "api-user-8", name: "Mallory", userHash: identityHash("guessed", "api-user-8") });
    host = http.createServer((req, res) => {
      res.setHeader("content-type", "text/html; charset=utf-8");
      const calls =
        req.url === "/forged"
          ? `${FUNCTION_STUB}\n  ${RECORD_CALLS}\n  destek("identify", ${forged});\n  destek("open");`
          : `${METHOD_STUB}\n  ${RECORD}\n  destek.identify(${user});`;
      res.end(`<!doctype html><html lang="en"><head><title>Shop</title></head><body><main><h1>Shop</h1></main>
<script>
  ${calls}
</script>
<script src="${t.url}/widget.js" data-language="en" async></script></body></html>`);
    });
    await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
    shop = `http://localhost:${(host.address() as AddressInfo).port}/`;
    browser = await launchChromium();
    await addAgent(t.deps, "selin", { telegramChatId: "737373", admin: true });
    agent = await signInConsole(browser, t, "selin", "737373");
  });
  afterAll(async () => {
    await browser?.close();
    host?.close();
    await t?.close();
  });

  async function visitorPage(path = ""): Promise<Page> {
    const context = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 800 } });
    // The loader's shadow root is closed; the test opens it to reach the bubble and the iframe.
    await context.addInitScript(`{
      const attach = Element.prototype.attachShadow;
      Element.prototype.attachShadow = function (init) { return attach.call(this, { ...init, mode: "open" }); };
    }`);
    const page = await context.newPage();
    await page.goto(`${shop}${path}`);
    return page;
  }

  async function widgetFrame(page: Page): Promise<Frame> {
    const frame = await (await page.waitForSelector("iframe", { state: "attached" })).contentFrame();
    if (!frame) throw new Error("no widget frame");
    return frame;
  }

  const seen = (page: Page) => page.evaluate("window.seen") as Promise<Seen[]>;

  async function agentReplies(conversation: string, text: string): Promise<void> {
    await agent.locator(".conversation-item", { hasText: conversation }).first().click();
    const box = agent.getByRole("textbox", { name: "Message", exact: true });
    await box.fill(text);
    await agent.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => box.inputValue(), { timeout: 15_000 }).toBe("");
  }

  it("opens and closes, tells the page of each message, previews the agent's while closed, and switches language", async () => {
    const page = await visitorPage();
    const launcher = page.getByRole("button", { name: "Open chat" });
    await launcher.waitFor();
    // Nothing was opened by the queued calls: the chat opens when the page says so.
    expect(await seen(page)).toEqual([]);
    await page.evaluate("destek.open()");
    const frame = await widgetFrame(page);
    await page.getByRole("button", { name: "Close chat" }).waitFor();
    expect(await page.getByRole("button", { name: "Close chat" }).getAttribute("aria-expanded")).toBe("true");
    expect(await seen(page)).toEqual([{ event: "open" }]);

    // The verified user (identify, queued before the loader ran) skips the form and chats.
    await frame.getByLabel("Message").fill("Hello from the API page");
    await frame.getByRole("button", { name: "Send" }).click();
    await expect
      .poll(() => seen(page), { timeout: 15_000 })
      .toContainEqual({ event: "message", from: "visitor", name: "Derya Demir", text: "Hello from the API page" });

    // The console shows the site's user with the Verified badge: the signature was accepted.
    const item = agent.locator(".conversation-item", { hasText: "Derya Demir" });
    await item.getByText("Verified").waitFor({ timeout: 15_000 });
    await agentReplies("Derya Demir", "We are looking into it.");
    await expect
      .poll(() => seen(page), { timeout: 15_000 })
      .toContainEqual({ event: "message", from: "agent", name: "Agent selin", text: "We are looking into it." });
    // The chat is open: no preview.
    const preview = page.getByRole("button", { name: /^New message from/ });
    expect(await preview.count()).toBe(0);

    await page.evaluate("destek.close()");
    await launcher.waitFor();
    expect((await seen(page)).filter((s) => s.event !== "message")).toEqual([{ event: "open" }, { event: "close" }]);

    // An agent writes while the chat is closed: a bubble beside the launcher with the name and the first line.
    await agentReplies("Derya Demir", "Your parcel left the warehouse.\nIt arrives on Friday.");
    const bubble = page.getByRole("button", { name: "New message from Agent selin: Your parcel left the warehouse." });
    await bubble.waitFor({ timeout: 15_000 });
    expect(await bubble.textContent()).toBe("Agent selin Your parcel left the warehouse.");
    expect(await page.getByRole("button", { name: "Dismiss message preview" }).isVisible()).toBe(true);
    expect(await page.getByRole("status").textContent()).toBe("New message from Agent selin: Your parcel left the warehouse.");
    expect(await seriousViolations(page)).toEqual([]);
    // `E2E_SCREENSHOTS=docs npx vitest run test/e2e/widgetApi.test.ts` refreshes the README's picture.
    if (process.env.E2E_SCREENSHOTS) await page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/widget-preview-bubble.png`, clip: { x: 680, y: 600, width: 600, height: 200 } });
    await expect
      .poll(() => seen(page), { timeout: 15_000 })
      .toContainEqual({ event: "message", from: "agent", name: "Agent selin", text: "Your parcel left the warehouse.\nIt arrives on Friday." });
    // Reachable from the keyboard: the launcher's neighbour in the tab order.
    await bubble.focus();
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Close chat" }).waitFor();
    await frame.getByText("It arrives on Friday.").waitFor({ timeout: 15_000 });
    expect(await preview.count()).toBe(0);
    expect((await seen(page)).filter((s) => s.event !== "message")).toEqual([{ event: "open" }, { event: "close" }, { event: "open" }]);

    // setLanguage: the launcher and the open chat speak Turkish, with the conversation kept.
    await page.evaluate('destek.setLanguage("tr")');
    await page.getByRole("button", { name: "Sohbeti kapat" }).waitFor();
    await frame.getByRole("button", { name: "Gönder" }).waitFor({ timeout: 15_000 });
    await frame.getByText("It arrives on Friday.").waitFor({ timeout: 15_000 });
    await frame.getByRole("textbox", { name: "Mesaj" }).fill("Teşekkürler");
    await frame.getByRole("button", { name: "Gönder" }).click();
    await expect.poll(() => seen(page), { timeout: 15_000 }).toContainEqual({ event: "message", from: "visitor", name: "Derya Demir", text: "Teşekkürler" });

    // Closed again, a Turkish preview; its dismiss button hides it and gives the focus back to the launcher.
    await page.evaluate("destek.close()");
    await agentReplies("Derya Demir", "Rica ederiz!");
    await page.getByRole("button", { name: "Agent selin yeni bir mesaj gönderdi: Rica ederiz!" }).waitFor({ timeout: 15_000 });
    await page.getByRole("button", { name: "Mesaj önizlemesini kapat" }).click();
    await expect.poll(() => page.getByRole("button", { name: /yeni bir mesaj gönderdi/ }).count()).toBe(0);
    await expect.poll(() => page.evaluate("document.activeElement?.shadowRoot?.activeElement?.getAttribute('aria-label')")).toBe("Sohbeti aç");

    // A bad argument is refused with a warning, never thrown at the page.
    const warnings: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "warning") warnings.push(message.text());
    });
    await page.evaluate('destek.setLanguage("de"); destek.on("hover", () => {})');
    await expect.poll(() => warnings).toEqual(['destek: setLanguage takes "en" or "tr"', 'destek: on takes "message", "open" or "close" and a function']);
  }, 150_000);

  it("runs calls queued through the one-function stub, and carries on anonymously under a forged signature", async () => {
    // destek("identify", forged) and destek("open") were queued before the loader ran: the chat is open at once.
    const page = await visitorPage("forged");
    const frame = await widgetFrame(page);
    await page.getByRole("button", { name: "Close chat" }).waitFor();
    expect(await seen(page)).toEqual([{ event: "open" }]);
    await frame.getByLabel("Message").fill("Sent with a forged signature");
    await frame.getByRole("button", { name: "Send" }).click();
    await expect
      .poll(() => seen(page), { timeout: 15_000 })
      .toContainEqual(expect.objectContaining({ event: "message", from: "visitor", text: "Sent with a forged signature" }));

    // The server refused the signature: an anonymous visitor, not Mallory, and not Verified.
    const item = agent.locator(".conversation-item", { hasText: "Sent with a forged signature" });
    await item.waitFor({ timeout: 15_000 });
    expect(await item.getByText("Verified").count()).toBe(0);
    expect(await item.getByText("Mallory").count()).toBe(0);
    // After the load destek(...) calls run at once too.
    await page.evaluate('destek("close")');
    await page.getByRole("button", { name: "Open chat" }).waitFor();
  }, 90_000);
});
