import type { Browser, Frame, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { seriousViolationsInFrame } from "../support/axe.ts";
import { browserAvailable } from "../support/browser.ts";
import { CALL_PC, openWidget, pcState, remoteAudio, startCallStage, addAgentAndSignIn } from "../support/callPages.ts";
import { stageForSuite } from "../support/suiteStage.ts";

// The in-call controls of the shared call screen, in real Chromium with fake devices: mute,
// intercom (push-to-talk), encoder settings, screen sharing, fullscreen, a phone-sized widget, the
// missed-call follow-up, and the recording consent shown before a recorded call connects.

/** Sender state of the page's call connection: what the other side gets. */
const SENDERS = `(() => {
  const out = {};
  for (const t of ${CALL_PC}.getTransceivers()) {
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
/** Audio energy the page has received so far (grows while the other side's microphone is heard). */
const receivedEnergy = (target: Page | Frame) =>
  target.evaluate(`(async () => {
    let energy = 0;
    (await ${CALL_PC}.getStats()).forEach((s) => { if (s.type === "inbound-rtp" && s.kind === "audio") energy += s.totalAudioEnergy ?? 0; });
    return energy;
  })()`) as Promise<number>;
/** Whether the element playing the other side's audio is muted (Speaker off, or talking in intercom mode). */
const remoteMuted = async (target: Page | Frame) => (await remoteAudio(target))?.muted;

/** The shop page with the widget open and ready to write or call. */
async function readyWidget(browser: Browser, shopUrl: string, viewport?: { width: number; height: number }): Promise<Frame> {
  const { frame } = await openWidget(browser, shopUrl, viewport);
  await frame.getByRole("textbox", { name: "Message" }).waitFor();
  return frame;
}

describe.runIf(browserAvailable())("in-call controls", () => {
  const stage = stageForSuite(() => startCallStage());

  it("mutes, talks in intercom mode, tunes the encoders, shares a screen and fits a phone", async () => {
    const { t, browser, shop } = stage;
    const agent = await addAgentAndSignIn(browser, t, "derya", "727272");
    const frame = await readyWidget(browser, shop.url, { width: 360, height: 740 });
    // Recording is off here, so Call connects straight away (no consent step).
    await frame.getByRole("button", { name: "Call", exact: true }).click();
    await agent.getByRole("button", { name: "Accept" }).click({ timeout: 20_000 });
    await expect.poll(() => pcState(agent), { timeout: 20_000 }).toBe("connected");
    await expect.poll(() => pcState(frame), { timeout: 20_000 }).toBe("connected");
    await expect.poll(() => frame.getByText("Recording").count()).toBe(0);

    // Mute: the agent's microphone track is disabled, so the visitor stops receiving any sound
    // (after what was already in flight drains), and hears it again after Unmute.
    // Each poll (a second apart) sees the energy received since the previous one.
    const growth = { energy: Number.NaN };
    const energyGrowth = async () => {
      const energy = await receivedEnergy(frame);
      const grown = energy - growth.energy;
      growth.energy = energy;
      return grown;
    };
    const everySecond = { interval: 1000, timeout: 15_000 };
    await expect.poll(async () => (await senders(agent)).audio.enabled).toBe(true);
    await expect.poll(energyGrowth, everySecond).toBeGreaterThan(1e-4);
    await agent.getByRole("button", { name: "Mute", exact: true }).click();
    await expect.poll(async () => (await senders(agent)).audio.enabled).toBe(false);
    growth.energy = Number.NaN;
    await expect.poll(energyGrowth, everySecond).toBeLessThan(1e-5);
    await agent.getByRole("button", { name: "Unmute", exact: true }).click();
    await expect.poll(async () => (await senders(agent)).audio.enabled).toBe(true);
    growth.energy = Number.NaN;
    await expect.poll(energyGrowth, everySecond).toBeGreaterThan(1e-4);

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
      const screen = ${CALL_PC}.getSenders().find((s) => s.track?.kind === "video").track;
      screen.stop();
      screen.dispatchEvent(new Event("ended")); // what the browser's "Stop sharing" bar does
    })()`);
    await agent.getByRole("button", { name: "Share screen" }).waitFor();
    // The sender takes the camera back a moment after the screen is let go.
    await expect.poll(async () => (await senders(agent)).video.label).toBe(camera);
    await expect.poll(async () => (await senders(agent)).video.encoding?.maxBitrate).toBe(800_000);

    // Fullscreen of the call stage, with the label following the state.
    await agent.getByRole("button", { name: "Full screen" }).click();
    await agent.getByRole("button", { name: "Exit full screen" }).waitFor();
    expect(await agent.evaluate("document.fullscreenElement?.classList.contains('call')")).toBe(true);
    await agent.getByRole("button", { name: "Exit full screen" }).click();
    await agent.getByRole("button", { name: "Full screen" }).waitFor();

    await frame.getByRole("button", { name: "Hang up" }).click();
    await agent.getByRole("button", { name: "Hang up" }).waitFor({ state: "detached" });
    // Started as a voice call; the camera and the screen share made it a video call in the history.
    const [call] = await t.deps.domain.db.selectFrom("calls").select(["media", "status"]).orderBy("created_at", "desc").limit(1).execute();
    expect(call).toEqual({ media: "video", status: "ended" });
    await agent.context().close();
  }, 180_000);

  it("offers a caller nobody answered to leave a message instead", async () => {
    const { t, browser, shop } = stage;
    const frame = await readyWidget(browser, shop.url);
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
  // A team chat to ring: with nobody reachable at all, the widget offers no Call button.
  const stage = stageForSuite(() => startCallStage({ RECORDING: "audio", TELEGRAM_ADMIN_CHAT_ID: "-1001234567890" }));

  const calls = async () => (await stage.t.deps.domain.db.selectFrom("calls").selectAll().execute()).length;

  it("tells the caller the call will be recorded before anything is sent, in English and Turkish", async () => {
    const { t, browser, shop } = stage;
    const frame = await readyWidget(browser, shop.url);
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
    const page = await turkish.newPage();
    await page.goto(`${t.url}/widget/frame.html?lang=tr`);
    await page.getByRole("textbox", { name: "Mesaj" }).waitFor();
    await page.getByRole("button", { name: "Ara", exact: true }).click();
    await expect.poll(() => page.getByRole("alertdialog").textContent()).toContain("Bu görüşme kaydedilecek (ses).");
    expect(await page.getByRole("button", { name: "Kabul et ve ara" }).count()).toBe(1);
    await turkish.close();
  }, 60_000);
});
