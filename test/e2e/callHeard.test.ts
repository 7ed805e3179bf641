import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AudioSink, headedAudioAvailable, startAudioSink, SILENT, HEARD, LISTEN_DEADLINE, waitForHeard, waitForSilence } from "../support/audioSink.ts";
import { browserAvailable, launchChromium } from "../support/browser.ts";
import { type CallStage, openWidget, pcState, remoteAudio, startCallStage, setSpeaker, visitorHangsUp, addAgentAndSignIn } from "../support/callPages.ts";
import type { SentMessage } from "../support/fakeTelegram.ts";

// That a call is *heard*: headed Chromium on a virtual display plays into a PulseAudio null sink of
// this test's own, and we record the sink. Chromium's fake microphone beeps, so whoever receives it
// plays a loud signal (some 3,000-5,000 RMS) against 0 in silence. Both browsers play into the same
// sink, so each side's Speaker is switched off and on in turn to learn who is heard.

/** `promise`, or a failure naming `what` did not happen after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(what)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

describe.runIf(browserAvailable() && headedAudioAvailable())("a voice call is heard (headed Chromium, PulseAudio null sink)", () => {
  let sink: AudioSink;
  let stage: CallStage;

  beforeAll(async () => {
    sink = await startAudioSink();
    stage = await startCallStage({}, { env: sink.env });
    await stage.t.deps.telegram!.start(stage.t.deps);
  });
  afterAll(async () => {
    await stage?.close();
    await sink?.close();
  });

  const hears = () => waitForHeard(sink);
  const silence = () => waitForSilence(sink);

  it("lets the agent hear the visitor and the visitor hear the agent", async () => {
    const { t, browser, shop } = stage;
    const agent = await addAgentAndSignIn(browser, t, "ipek", "838383");
    const { frame } = await openWidget(browser, shop.url);
    await frame.getByRole("button", { name: "Call", exact: true }).click();
    await agent.getByRole("button", { name: "Accept" }).click({ timeout: 20_000 });
    await expect.poll(() => pcState(agent), { timeout: 20_000 }).toBe("connected");
    await expect.poll(() => pcState(frame), { timeout: 20_000 }).toBe("connected");
    // On each side the <audio> element plays: its clock runs.
    for (const side of [agent, frame]) {
      await expect.poll(async () => (await remoteAudio(side))?.currentTime ?? 0, { timeout: 20_000 }).toBeGreaterThan(0);
      const start = await remoteAudio(side);
      await expect.poll(async () => (await remoteAudio(side))?.currentTime, { timeout: 20_000 }).toBeGreaterThan(start!.currentTime);
    }

    // Both speakers off: the sink is silent, so whatever is heard next comes from one side.
    await setSpeaker(agent, false);
    await setSpeaker(frame, false);
    expect(await silence()).toBeLessThan(SILENT);

    await setSpeaker(agent, true);
    expect(await hears()).toBeGreaterThan(HEARD);
    await setSpeaker(agent, false);
    expect(await silence()).toBeLessThan(SILENT);

    await setSpeaker(frame, true);
    expect(await hears()).toBeGreaterThan(HEARD);

    await visitorHangsUp(frame, agent);
    expect(await silence()).toBeLessThan(SILENT);
  }, 180_000);

  /**
   * A visitor of `browser` calls, agent `username` accepts in Telegram, the visitor's Speaker goes
   * off, and the bot's link opens in a new tab of the agent's signed-in browser, where nobody clicks.
   * Until the page has decided whether it may play, the test does not touch it either (Playwright's
   * own queries count as user activation): it is watched through its log. `refused` settles when
   * the page logs that the browser blocks its sound.
   */
  async function openFromTelegram(browser: Browser, username: string, chat: string) {
    const { t, shop } = stage;
    const signedIn = await addAgentAndSignIn(browser, t, username, chat);
    const { frame } = await openWidget(browser, shop.url);
    await frame.getByRole("button", { name: "Call", exact: true }).click();

    const hasAccept = (m: SentMessage) => String(m.chat_id) === chat && JSON.stringify(m.reply_markup ?? {}).includes('"callback_data":"call:accept:');
    const alert = await t.telegram.waitForSent(hasAccept, 20_000);
    const callId = (await t.deps.domain.db.selectFrom("calls").select("id").where("status", "=", "queued").executeTakeFirstOrThrow()).id;
    t.telegram.pushCallbackQuery(Number(chat), `call:accept:${callId}`, alert);
    const link = await t.telegram.waitForSent((m) => String(m.chat_id) === chat && String(m.text).includes(`/console/calls/${callId}`));
    await setSpeaker(frame, false); // only the console's playback reaches the sink

    const opened = await signedIn.context().newPage();
    await signedIn.close();
    let blocked = false;
    const refused = new Promise<void>((resolve) =>
      opened.on("console", (message) => {
        if (!message.text().includes("blocks the call's sound")) return;
        blocked = true;
        resolve();
      }),
    );
    const path = new URL(String(link.text).match(/https?:\/\/\S+/)![0]).pathname;
    await opened.goto(`${t.url}${path}`);
    return { frame, opened, refused, wasRefused: () => blocked };
  }

  it("plays the caller in a console opened from Telegram without a click, or offers Tap to hear the caller", async () => {
    const { frame, opened, refused, wasRefused } = await openFromTelegram(stage.browser, "oguz", "848484");
    const heardAtOnce = sink
      .waitForLoudness((rms) => rms > HEARD, { ...LISTEN_DEADLINE, stop: wasRefused })
      .then((rms) => rms > HEARD);
    const outcome = await Promise.race([refused.then(() => "refused" as const), heardAtOnce.then((heard) => (heard ? "heard" : "silent"))]);
    // Chromium lets a page that is using the microphone play without a click, so this is heard at once.
    console.log(`a console opened without a click: ${outcome === "refused" ? "autoplay refused, Tap to hear the caller shown" : "heard at once"}`);
    expect(outcome).not.toBe("silent");
    if (outcome === "refused") {
      const tap = opened.getByRole("button", { name: "Tap to hear the caller", exact: true });
      await tap.click({ timeout: 20_000 });
      await tap.waitFor({ state: "detached" });
    }
    expect((await remoteAudio(opened))?.paused).toBe(false);
    expect(await pcState(opened)).toBe("connected");
    expect(await hears()).toBeGreaterThan(HEARD);

    await visitorHangsUp(frame, opened);
  }, 180_000);

  it("under a browser policy that wants a tap for every sound (as on phones), offers Tap to hear the caller, and one tap is heard", async () => {
    const strict = await launchChromium({ env: sink.env, args: ["--autoplay-policy=user-gesture-required"] });
    try {
      const { frame, opened, refused } = await openFromTelegram(strict, "sevgi", "858585");
      await within(refused, 45_000, "the console never said its sound was blocked");
      const tap = opened.getByRole("button", { name: "Tap to hear the caller", exact: true });
      await tap.waitFor({ timeout: 20_000 });
      // Refused, and nothing else plays: silent, but saying so with the button.
      expect(await silence()).toBeLessThan(SILENT);
      expect((await remoteAudio(opened))?.paused).toBe(true);

      await tap.click();
      await tap.waitFor({ state: "detached" });
      expect((await remoteAudio(opened))?.paused).toBe(false);
      expect(await hears()).toBeGreaterThan(HEARD);

      // The visitor's side: its sound may have come too late after the Call click to count as
      // the click's; if the widget was refused, its own button ("Tap to hear the agent") fixes it.
      await setSpeaker(opened, false);
      expect(await silence()).toBeLessThan(SILENT);
      await setSpeaker(frame, true);
      const tapAgent = frame.getByRole("button", { name: "Tap to hear the agent", exact: true });
      if ((await remoteAudio(frame))?.paused) {
        await tapAgent.click({ timeout: 20_000 });
        await tapAgent.waitFor({ state: "detached" });
      }
      expect((await remoteAudio(frame))?.paused).toBe(false);
      expect(await hears()).toBeGreaterThan(HEARD);

      await visitorHangsUp(frame, opened);
    } finally {
      await strict.close();
    }
  }, 240_000);
});
