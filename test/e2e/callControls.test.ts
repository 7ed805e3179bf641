import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seriousViolationsInFrame } from "../support/axe.ts";
import { browserAvailable, launchChromium } from "../support/browser.ts";
import { addAgent, codeFrom, PASSWORD, startTestServer, type TestServer } from "../support/testApp.ts";

// The in-call controls of the shared call screen, in real Chromium with fake devices: mute,
// intercom (push-to-talk), encoder settings, screen sharing, fullscreen, a phone-sized widget, the
// missed-call follow-up, and the recording consent shown before a recorded call connects.

/** Sender state of the page's call (`window.__destekCall.pc`): what the other side gets. */
const SENDERS = `(() => {
  const out = {};
  for (const t of window.__destekCall.pc.getTransceivers()) {
    const p = t.sender.getParameters();
    out[t.receiver.track.kind] = { enabled: t.sender.track?.enabled ?? null, label: t.sender.track?.label ?? null, encoding: p.encodings[0] ?? null, degradation: p.degradationPreference ?? null };
  }
  return out;
})()`;
interface SenderState {
  enabled: boolean | null;
  label: string | null;
  encoding: { maxBitrate?: number; priority?: string; networkPriority?: string } | null;
  degradation: string | null;
}
const senders = (target: Page | Frame) => target.evaluate(SENDERS) as Promise<{ audio: SenderState; video: SenderState }>;
const pcState = (target: Page | Frame) => target.evaluate("window.__destekCall?.pc?.connectionState ?? 'none'") as Promise<string>;
/** Audio energy the page has received so far (grows while the other side's microphone is heard). */
const receivedEnergy = (target: Page | Frame) =>
  target.evaluate(`(async () => {
    let energy = 0;
    (await window.__destekCall.pc.getStats()).forEach((s) => { if (s.type === "inbound-rtp" && s.kind === "audio") energy += s.totalAudioEnergy ?? 0; });
    return energy;
  })()`) as Promise<number>;
const remoteMuted = (target: Page | Frame) => target.evaluate("document.querySelector('video.call-remote').muted") as Promise<boolean>;

async function shopServer(t: TestServer): Promise<{ host: http.Server; shop: string }> {
  const host = http.createServer((_req, res) => {
    res.setHeader("content-type", "text/html; charset=utf-8");
    res.end(`<!doctype html><html lang="en"><head><title>Shop</title></head><body><main><h1>Shop</h1></main>
<script src="${t.url}/widget.js" data-language="en" async></script></body></html>`);
  });
  await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
  return { host, shop: `http://localhost:${(host.address() as AddressInfo).port}/` };
}

/** The shop page with the widget open, at a phone's size when asked. */
async function openWidget(browser: Browser, shop: string, viewport = { width: 1280, height: 800 }): Promise<Frame> {
  const context = await browser.newContext({ locale: "en-US", viewport });
  await context.addInitScript(`{
    const attach = Element.prototype.attachShadow;
    Element.prototype.attachShadow = function (init) { return attach.call(this, { ...init, mode: "open" }); };
  }`);
  const page = await context.newPage();
  await page.goto(shop);
  await page.getByRole("button", { name: "Open chat" }).click();
  const frame = (await (await page.waitForSelector("iframe")).contentFrame())!;
  await frame.getByRole("textbox", { name: "Message" }).waitFor();
  return frame;
}

describe.runIf(browserAvailable())("in-call controls", () => {
  let t: TestServer;
  let browser: Browser;
  let host: http.Server;
  let shop: string;

  beforeAll(async () => {
    t = await startTestServer({ env: { PRECHAT_FIELDS: "name:off,email:off,phone:off" } });
    ({ host, shop } = await shopServer(t));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    host?.close();
    await t.close();
  });

  async function signedInConsole(): Promise<Page> {
    await addAgent(t.deps, "derya", { telegramChatId: "727272" });
    const page = await (await browser.newContext({ locale: "en-US" })).newPage();
    await page.goto(`${t.url}/console/`);
    await page.getByLabel("Username").fill("derya");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByLabel("Code").fill(codeFrom((await t.telegram.waitForSent((m) => String(m.chat_id) === "727272")).text));
    await page.getByRole("button", { name: "Verify" }).click();
    await page.getByText("Conversations").first().waitFor();
    return page;
  }

  it("mutes, talks in intercom mode, tunes the encoders, shares a screen and fits a phone", async () => {
    const agent = await signedInConsole();
    const frame = await openWidget(browser, shop, { width: 360, height: 740 });
    // Recording is off here, so Call connects straight away (no consent step).
    await frame.getByRole("button", { name: "Call", exact: true }).click();
    await agent.getByRole("button", { name: "Accept" }).click({ timeout: 20_000 });
    await expect.poll(() => pcState(agent), { timeout: 20_000 }).toBe("connected");
    await expect.poll(() => pcState(frame), { timeout: 20_000 }).toBe("connected");
    await expect.poll(() => frame.getByText("Recording").count()).toBe(0);

    // Mute: the agent's microphone track is disabled, so the visitor stops receiving any sound
    // (after what was already in flight drains), and hears it again after Unmute.
    const energyGrowth = async () => {
      const before = await receivedEnergy(frame);
      await agent.waitForTimeout(1000);
      return (await receivedEnergy(frame)) - before;
    };
    await expect.poll(async () => (await senders(agent)).audio.enabled).toBe(true);
    await expect.poll(energyGrowth, { timeout: 15_000 }).toBeGreaterThan(1e-4);
    await agent.getByRole("button", { name: "Mute", exact: true }).click();
    await expect.poll(async () => (await senders(agent)).audio.enabled).toBe(false);
    await expect.poll(energyGrowth, { timeout: 15_000 }).toBeLessThan(1e-5);
    await agent.getByRole("button", { name: "Unmute", exact: true }).click();
    await expect.poll(async () => (await senders(agent)).audio.enabled).toBe(true);
    await expect.poll(energyGrowth, { timeout: 15_000 }).toBeGreaterThan(1e-4);

    // Audio first, then video: the audio sender is high priority, the camera capped and resolution-first.
    await expect.poll(async () => (await senders(agent)).audio.encoding?.priority, { timeout: 5_000 }).toBe("high");
    expect((await senders(agent)).audio.encoding?.networkPriority).toBe("high");
    expect((await senders(frame)).audio.encoding?.priority).toBe("high");
    expect((await senders(agent)).video.encoding?.maxBitrate).toBe(800_000);
    expect((await senders(agent)).video.degradation).toBe("maintain-framerate");

    // Intercom on the visitor's side: the microphone closes, the agent is heard...
    const intercom = frame.getByRole("button", { name: "Intercom" });
    await intercom.click();
    await expect.poll(() => intercom.getAttribute("aria-pressed")).toBe("true");
    await expect.poll(async () => (await senders(frame)).audio.enabled).toBe(false);
    await expect.poll(() => remoteMuted(frame)).toBe(false);
    // ...while "Hold to talk" is pressed the microphone is open and the agent is silenced...
    const talk = frame.getByRole("button", { name: "Hold to talk" });
    await talk.hover();
    await frame.page().mouse.down();
    await expect.poll(() => remoteMuted(frame)).toBe(true);
    await expect.poll(async () => (await senders(frame)).audio.enabled).toBe(true);
    // ...and releasing closes the microphone and brings the speaker back.
    await frame.page().mouse.up();
    await expect.poll(() => remoteMuted(frame)).toBe(false);
    await expect.poll(async () => (await senders(frame)).audio.enabled).toBe(false);
    // The same with the keyboard: hold Space on the focused button.
    await talk.focus();
    await frame.page().keyboard.down(" ");
    await expect.poll(() => remoteMuted(frame)).toBe(true);
    await expect.poll(async () => (await senders(frame)).audio.enabled).toBe(true);
    await frame.page().keyboard.up(" ");
    await expect.poll(() => remoteMuted(frame)).toBe(false);
    await expect.poll(async () => (await senders(frame)).audio.enabled).toBe(false);
    // Intercom off: back to an open microphone.
    await intercom.click();
    await expect.poll(async () => (await senders(frame)).audio.enabled).toBe(true);
    await expect.poll(() => frame.getByRole("button", { name: "Hold to talk" }).count()).toBe(0);

    // A 360 px wide phone: every control inside the screen, big enough to touch, nothing scrolls sideways.
    const layout = (await frame.evaluate(`(() => ({
      width: innerWidth,
      overflow: document.documentElement.scrollWidth > document.documentElement.clientWidth,
      buttons: [...document.querySelectorAll(".call-controls button")].map((b) => { const r = b.getBoundingClientRect(); return { left: r.left, right: r.right, height: r.height }; }),
    }))()`)) as { width: number; overflow: boolean; buttons: Array<{ left: number; right: number; height: number }> };
    expect(layout.width).toBeLessThanOrEqual(360);
    expect(layout.overflow).toBe(false);
    expect(layout.buttons.length).toBeGreaterThanOrEqual(5);
    for (const button of layout.buttons) {
      expect(button.left).toBeGreaterThanOrEqual(0);
      expect(button.right).toBeLessThanOrEqual(layout.width);
      expect(button.height).toBeGreaterThanOrEqual(44);
    }
    expect(await seriousViolationsInFrame(frame)).toEqual([]);

    // Screen sharing (the console; headless Chromium picks a screen by itself) replaces the camera on
    // the same sender, tuned for sharp text, and the camera comes back when the browser ends the share.
    // The camera first (a voice call starts without it): mirrored self view, and the visitor sees it.
    expect((await senders(agent)).video.label).toBeNull();
    await agent.getByRole("button", { name: "Camera on" }).click();
    await agent.getByRole("button", { name: "Camera off" }).waitFor();
    const camera = (await senders(agent)).video.label;
    expect(camera).not.toBeNull();
    expect(await agent.locator("video.call-self.call-mirror").count()).toBe(1);
    await frame.locator("section.call-video").waitFor({ timeout: 10_000 });
    await agent.getByRole("button", { name: "Share screen" }).click();
    await agent.getByRole("button", { name: "Stop sharing" }).waitFor();
    await expect.poll(async () => (await senders(agent)).video.label).not.toBe(camera);
    expect((await senders(agent)).video.encoding?.maxBitrate).toBe(1_500_000);
    expect((await senders(agent)).video.degradation).toBe("maintain-resolution");
    expect(await agent.locator("video.call-self:not(.call-mirror)").count()).toBe(1);
    await agent.evaluate(`(() => {
      const screen = window.__destekCall.pc.getSenders().find((s) => s.track?.kind === "video").track;
      screen.stop();
      screen.dispatchEvent(new Event("ended")); // what the browser's "Stop sharing" bar does
    })()`);
    await agent.getByRole("button", { name: "Share screen" }).waitFor();
    expect((await senders(agent)).video.label).toBe(camera);
    expect((await senders(agent)).video.encoding?.maxBitrate).toBe(800_000);

    // Fullscreen of the call stage, with the label following the state.
    await agent.getByRole("button", { name: "Full screen" }).click();
    await agent.getByRole("button", { name: "Exit full screen" }).waitFor();
    expect(await agent.evaluate("document.fullscreenElement?.classList.contains('call')")).toBe(true);
    await agent.getByRole("button", { name: "Exit full screen" }).click();
    await agent.getByRole("button", { name: "Full screen" }).waitFor();

    await frame.getByRole("button", { name: "Hang up" }).click();
    await agent.getByRole("button", { name: "Hang up" }).waitFor({ state: "detached" });
    await agent.context().close();
  }, 180_000);

  it("offers a caller nobody answered to leave a message instead", async () => {
    const frame = await openWidget(browser, shop);
    await frame.getByRole("button", { name: "Call", exact: true }).click();
    await frame.getByText(/Waiting for an agent/).waitFor();
    t.clock.advance(61_000); // past the ring timeout
    await frame.getByText("Nobody could answer. Leave us a message and we'll get back to you.").waitFor({ timeout: 10_000 });
    await frame.getByRole("button", { name: "Leave a message" }).click();
    expect(await frame.evaluate("document.activeElement?.classList.contains('composer-text')")).toBe(true);
    expect(await frame.getByRole("button", { name: "Leave a message" }).count()).toBe(0);
    await frame.page().context().close();
  }, 60_000);
});

describe.runIf(browserAvailable())("the recording consent notice", () => {
  let t: TestServer;
  let browser: Browser;
  let host: http.Server;
  let shop: string;

  beforeAll(async () => {
    t = await startTestServer({ env: { PRECHAT_FIELDS: "name:off,email:off,phone:off", RECORDING: "audio" } });
    ({ host, shop } = await shopServer(t));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    host?.close();
    await t.close();
  });

  const calls = async () => (await t.deps.domain.db.selectFrom("calls").selectAll().execute()).length;

  it("tells the caller the call will be recorded before anything is sent, in English and Turkish", async () => {
    const frame = await openWidget(browser, shop);
    await frame.getByRole("button", { name: "Call", exact: true }).click();
    const notice = frame.getByRole("alertdialog");
    await expect.poll(() => notice.textContent()).toContain("This call will be recorded (audio).");
    // Nothing was asked or queued yet; Cancel leaves it that way.
    expect(await calls()).toBe(0);
    await frame.getByRole("button", { name: "Cancel" }).click();
    expect(await notice.count()).toBe(0);
    expect(await calls()).toBe(0);

    // Agreeing queues the call (recorded as audio), and the queue note repeats it.
    await frame.getByRole("button", { name: "Call", exact: true }).click();
    await frame.getByRole("button", { name: "Agree and call" }).click();
    await frame.getByText(/Waiting for an agent/).waitFor();
    await frame.getByText("This call will be recorded.").waitFor();
    const call = await t.deps.domain.db.selectFrom("calls").selectAll().executeTakeFirstOrThrow();
    expect(call.recording_mode).toBe("audio");
    await frame.getByRole("button", { name: "Hang up" }).click();
    await frame.getByText(/Waiting for an agent/).waitFor({ state: "detached" });
    await frame.page().context().close();

    // A Turkish widget says the same in Turkish.
    const turkish = await browser.newContext({ locale: "tr-TR" });
    await turkish.addInitScript(`{
      const attach = Element.prototype.attachShadow;
      Element.prototype.attachShadow = function (init) { return attach.call(this, { ...init, mode: "open" }); };
    }`);
    const page = await turkish.newPage();
    await page.goto(`${t.url}/widget/frame.html?lang=tr`);
    await page.getByRole("textbox", { name: "Mesaj" }).waitFor();
    await page.getByRole("button", { name: "Ara", exact: true }).click();
    await expect.poll(() => page.getByRole("alertdialog").textContent()).toContain("Bu görüşme kaydedilecek (ses).");
    expect(await page.getByRole("button", { name: "Kabul et ve ara" }).count()).toBe(1);
    await turkish.close();
  }, 60_000);
});
