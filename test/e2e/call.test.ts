import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, launchChromium } from "../support/browser.ts";
import type { FakeTelegram } from "../support/fakeTelegram.ts";
import { addAgent, codeFrom, PASSWORD, startTestServer, type TestServer } from "../support/testApp.ts";

// A visitor presses Call on a shop's page, an agent accepts in the console, and real WebRTC
// (Chromium's fake camera and microphone) carries audio both ways until someone hangs up.
describe.runIf(browserAvailable())("a call from the widget to the console", () => {
  let t: TestServer;
  let telegram: FakeTelegram;
  let browser: Browser;
  let host: http.Server;
  let shop: string;

  beforeAll(async () => {
    t = await startTestServer({ env: { PRECHAT_FIELDS: "name:off,email:off,phone:off" } });
    telegram = t.telegram;
    host = http.createServer((_req, res) => {
      res.setHeader("content-type", "text/html; charset=utf-8");
      res.end(`<!doctype html><html lang="en"><head><title>Shop</title></head><body><main><h1>Shop</h1></main>
<script src="${t.url}/widget.js" data-language="en" async></script></body></html>`);
    });
    await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
    shop = `http://localhost:${(host.address() as AddressInfo).port}/`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    host?.close();
    await t.close();
  });

  async function signedInConsole(): Promise<Page> {
    await addAgent(t.deps, "caner", { telegramChatId: "616161" });
    const page = await (await browser.newContext({ locale: "en-US" })).newPage();
    await page.goto(`${t.url}/console/`);
    await page.getByLabel("Username").fill("caner");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByLabel("Code").fill(codeFrom((await telegram.waitForSent((m) => String(m.chat_id) === "616161")).text));
    await page.getByRole("button", { name: "Verify" }).click();
    await page.getByText("Conversations").first().waitFor();
    return page;
  }

  const pcState = (target: Page | Frame) => target.evaluate("window.__destekCall?.pc?.connectionState ?? 'none'") as Promise<string>;
  const inboundAudioBytes = (target: Page | Frame) =>
    target.evaluate(`(async () => {
      let bytes = 0;
      (await window.__destekCall.pc.getStats()).forEach((s) => { if (s.type === "inbound-rtp" && s.kind === "audio") bytes += s.bytesReceived; });
      return bytes;
    })()`) as Promise<number>;

  it("connects both sides with audio flowing both ways, and ends with a server-computed duration", async () => {
    const agent = await signedInConsole();
    const context = await browser.newContext({ locale: "en-US" });
    await context.addInitScript(`{
      const attach = Element.prototype.attachShadow;
      Element.prototype.attachShadow = function (init) { return attach.call(this, { ...init, mode: "open" }); };
    }`);
    const visitor = await context.newPage();
    await visitor.goto(shop);
    await visitor.getByRole("button", { name: "Open chat" }).click();
    const frame = (await (await visitor.waitForSelector("iframe")).contentFrame())!;
    await frame.getByRole("button", { name: "Call" }).click();

    await agent.getByRole("button", { name: "Accept" }).click({ timeout: 20_000 });
    await expect.poll(() => pcState(agent), { timeout: 20_000 }).toBe("connected");
    await expect.poll(() => pcState(frame), { timeout: 20_000 }).toBe("connected");
    const [agentBefore, visitorBefore] = [await inboundAudioBytes(agent), await inboundAudioBytes(frame)];
    await agent.waitForTimeout(1500);
    expect(await inboundAudioBytes(agent)).toBeGreaterThan(agentBefore);
    expect(await inboundAudioBytes(frame)).toBeGreaterThan(visitorBefore);

    await frame.getByRole("button", { name: "Hang up" }).click();
    await expect
      .poll(async () => (await t.deps.domain.db.selectFrom("calls").selectAll().executeTakeFirst())?.status, { timeout: 10_000 })
      .toBe("ended");
    const call = await t.deps.domain.db.selectFrom("calls").selectAll().executeTakeFirstOrThrow();
    expect(call.duration_ms).toBeGreaterThanOrEqual(1500);
    expect(call.end_reason).toBe("caller_hung_up");
  }, 90_000);
});
