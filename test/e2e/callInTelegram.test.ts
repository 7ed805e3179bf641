import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { browserAvailable } from "../support/browser.ts";
import { CALL_PC, type CallStage, callContext, inboundAudioBytes, openWidget, pcState, type Shop, startCallStage } from "../support/callPages.ts";
import { inlineButtonsOf, type SentMessage } from "../support/fakeTelegram.ts";
import { signedInitData } from "../support/telegramInitData.ts";
import { addAgent, type TestServer } from "../support/testApp.ts";

const SELIN = 767676;
const OZAN = 787878;

/** Telegram's `window.Telegram.WebApp` as its script would set it up, with this launch's initData. */
const telegramStandIn = (initData: string) => `{
  window.Telegram = { WebApp: {
    initData: ${JSON.stringify(initData)},
    initDataUnsafe: {},
    ready() { window.__telegramReady = true; },
    expand() {},
  } };
}`;

/** Audio packets the page's call has sent so far. */
const outboundAudioPackets = (page: Page) =>
  page.evaluate(`(async () => {
    let packets = 0;
    (await ${CALL_PC}.getStats()).forEach((s) => { if (s.type === "outbound-rtp" && s.kind === "audio") packets += s.packetsSent; });
    return packets;
  })()`) as Promise<number>;

// A call answered inside Telegram: the alert's "Accept in Telegram" button opens the Mini App page,
// which signs in with Telegram's initData, asks for the microphone once, claims the call, and talks
// to the visitor's widget with audio both ways. A WebView that cannot capture leaves the call ringing.
describe.runIf(browserAvailable())("a call answered in Telegram's Mini App", () => {
  let stage: CallStage;
  let t: TestServer;
  let browser: Browser;
  let shop: Shop;

  beforeAll(async () => {
    // An HTTPS public address, as Telegram requires for a Mini App; the test opens the same path on its own server.
    stage = await startCallStage({ PUBLIC_URL: "https://support.example.com" });
    ({ t, browser, shop } = stage);
    await addAgent(t.deps, "selin", { telegramChatId: String(SELIN) });
    await addAgent(t.deps, "ozan", { telegramChatId: String(OZAN) });
    await t.deps.telegram!.start(t.deps);
  });
  afterAll(() => stage?.close());

  /** The Mini App as Telegram opens it from the alert's web_app button, for this Telegram user. */
  const openMiniApp = async (alert: SentMessage, userId: number, options: { noCapture?: boolean; withoutScript?: boolean } = {}) => {
    const button = inlineButtonsOf(alert).find((b) => b.web_app);
    expect(button?.text).toBe("Telegram'da kabul et");
    const path = new URL(button!.web_app!.url);
    const initData = signedInitData(t.telegram.token, { userId, authDate: Math.floor(t.deps.domain.clock.now() / 1000) });
    // A WebView without capture (as Telegram Desktop on Linux): no getUserMedia at all.
    const noCapture = options.noCapture ? "Object.defineProperty(navigator.mediaDevices, 'getUserMedia', { value: undefined });" : "";
    // Without Telegram's script on the page, the data is only in the launch address, as Telegram passes it.
    const standIn = options.withoutScript ? "" : telegramStandIn(initData);
    const hash = options.withoutScript ? `#${new URLSearchParams({ tgWebAppData: initData, tgWebAppVersion: "8.0", tgWebAppPlatform: "android" })}` : "";
    const context = await callContext(browser, { viewport: { width: 390, height: 760 }, permissions: ["microphone", "camera"] }, `${standIn}\n${noCapture}`);
    const page = await context.newPage();
    await page.goto(`${t.url}${path.pathname}${path.search}${hash}`);
    return page;
  };

  it("accepts a ringing call from the Mini App, with audio flowing both ways; a WebView that cannot capture leaves it ringing", async () => {
    const { frame } = await openWidget(browser, shop.url);
    await frame.getByRole("button", { name: "Call" }).click();
    const callId = async () => (await t.deps.domain.db.selectFrom("calls").select("id").executeTakeFirstOrThrow()).id;
    const alertOf = (user: number) => t.telegram.waitForSent((m) => String(m.chat_id) === String(user) && inlineButtonsOf(m).some((b) => b.web_app), 20_000);
    const [selinAlert, ozanAlert] = await Promise.all([alertOf(SELIN), alertOf(OZAN)]);
    expect(inlineButtonsOf(selinAlert).map((b) => b.text)).toEqual(["Telegram'da kabul et", "Tarayıcıda kabul et", "Reddet"]);

    // Ozan's Telegram cannot capture: the Mini App says so, offers the browser link, and the call keeps ringing.
    const ozan = await openMiniApp(ozanAlert, OZAN, { noCapture: true });
    await ozan.getByRole("heading", { name: /is calling/ }).waitFor({ timeout: 20_000 });
    await ozan.getByRole("button", { name: "Accept" }).click();
    const problem = ozan.getByRole("alert");
    await problem.getByText(/cannot use your microphone/).waitFor({ timeout: 10_000 });
    const browserLink = await problem.getByRole("link", { name: "Accept in browser" }).getAttribute("href");
    expect(browserLink).toMatch(new RegExp(`^https://support.example.com/telegram/call/${await callId()}\\?exp=\\d+&sig=`));
    expect((await t.deps.domain.db.selectFrom("calls").selectAll().executeTakeFirstOrThrow()).status).toBe("queued");

    // Selin's Mini App: signed in with Telegram's data, audio only by default, one capture.
    const selin = await openMiniApp(selinAlert, SELIN);
    await selin.evaluate(`{
      const capture = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      window.__captures = [];
      navigator.mediaDevices.getUserMedia = (constraints) => { window.__captures.push(constraints); return capture(constraints); };
    }`);
    expect(await selin.evaluate("window.__telegramReady")).toBe(true);
    await selin.getByRole("heading", { name: /is calling/ }).waitFor({ timeout: 20_000 });
    expect(await selin.getByRole("checkbox", { name: "Camera on" }).isChecked()).toBe(false);
    if (process.env.E2E_SCREENSHOTS) await selin.screenshot({ path: join(process.env.E2E_SCREENSHOTS, "telegram-miniapp-ringing.png") });
    await selin.getByRole("button", { name: "Accept" }).click();
    await selin.getByRole("button", { name: "Hang up" }).waitFor({ timeout: 20_000 });
    const selinId = (await findAgentByUsername(t.deps.domain.db, "selin"))!.id;
    expect(await t.deps.domain.db.selectFrom("calls").selectAll().executeTakeFirstOrThrow()).toMatchObject({ status: "active", agent_id: selinId });

    await expect.poll(() => pcState(selin), { timeout: 20_000 }).toBe("connected");
    await expect.poll(() => pcState(frame), { timeout: 20_000 }).toBe("connected");
    // Audio both ways: each side receives more and more bytes, and sends packets.
    for (const side of [selin, frame]) {
      const bytes = await inboundAudioBytes(side);
      await expect.poll(() => inboundAudioBytes(side), { timeout: 20_000 }).toBeGreaterThan(bytes);
    }
    await expect.poll(() => outboundAudioPackets(selin), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await selin.evaluate("window.__captures")).toEqual([{ audio: true, video: false }]);
    // The previews a WebView would otherwise open full screen: muted and inline.
    expect(await selin.evaluate(`[...document.querySelectorAll("video")].every((v) => v.muted && v.playsInline)`)).toBe(true);
    // No camera was captured: the Mini App offers none (asking would mean a second permission prompt).
    expect(await selin.getByRole("button", { name: "Camera on" }).count()).toBe(0);

    // Ozan's page learns that Selin took the call.
    await ozan.getByText("Agent selin took this call.").waitFor({ timeout: 20_000 });
    if (process.env.E2E_SCREENSHOTS) {
      await selin.locator(".call-quality").waitFor({ timeout: 20_000 });
      await selin.screenshot({ path: join(process.env.E2E_SCREENSHOTS, "telegram-miniapp.png") });
    }

    await selin.getByRole("button", { name: "Hang up" }).click();
    await selin.getByText("This call is over.").waitFor({ timeout: 20_000 });
    await expect.poll(async () => (await t.deps.domain.db.selectFrom("calls").selectAll().executeTakeFirstOrThrow()).status, { timeout: 20_000 }).toBe("ended");
  }, 150_000);

  it("signed in from the launch address alone, with Camera on captures camera and microphone once, and turns the camera off and on again without asking anew", async () => {
    const { frame } = await openWidget(browser, shop.url);
    await frame.getByRole("button", { name: "Call" }).click();
    const queued = async () => (await t.deps.domain.db.selectFrom("calls").select("id").where("status", "=", "queued").executeTakeFirst())?.id;
    await expect.poll(queued, { timeout: 20_000 }).toBeDefined();
    const callId = (await queued())!;
    const alert = await t.telegram.waitForSent((m) => String(m.chat_id) === String(SELIN) && inlineButtonsOf(m).some((b) => b.web_app?.url.endsWith(callId)), 20_000);
    const selin = await openMiniApp(alert, SELIN, { withoutScript: true });
    expect(await selin.evaluate("window.Telegram")).toBeUndefined();
    await selin.evaluate(`{
      const capture = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      window.__captures = [];
      navigator.mediaDevices.getUserMedia = (constraints) => { window.__captures.push(constraints); return capture(constraints); };
    }`);
    await selin.getByRole("checkbox", { name: "Camera on" }).check();
    await selin.getByRole("button", { name: "Accept" }).click();
    await expect.poll(() => pcState(selin), { timeout: 20_000 }).toBe("connected");
    const inboundVideoBytes = () =>
      frame.evaluate(`(async () => {
        let bytes = 0;
        (await ${CALL_PC}.getStats()).forEach((s) => { if (s.type === "inbound-rtp" && s.kind === "video") bytes += s.bytesReceived; });
        return bytes;
      })()`) as Promise<number>;
    await expect.poll(inboundVideoBytes, { timeout: 20_000 }).toBeGreaterThan(0);
    const selfView = selin.locator("video.call-self");
    await selfView.waitFor({ timeout: 10_000 });
    expect(await selin.evaluate(`(() => { const v = document.querySelector("video.call-self"); return v.muted && v.playsInline; })()`)).toBe(true);

    await selin.getByRole("button", { name: "Camera off" }).click();
    await selin.getByRole("button", { name: "Camera on" }).click();
    await selin.getByRole("button", { name: "Camera off" }).waitFor({ timeout: 10_000 });
    const before = await inboundVideoBytes();
    await expect.poll(inboundVideoBytes, { timeout: 20_000 }).toBeGreaterThan(before);
    // One capture for the whole call.
    expect(await selin.evaluate("window.__captures")).toEqual([{ audio: true, video: true }]);
    await selin.getByRole("button", { name: "Hang up" }).click();
    await selin.getByText("This call is over.").waitFor({ timeout: 20_000 });
  }, 150_000);
});
