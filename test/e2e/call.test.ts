import { describe, expect, it } from "vitest";
import { browserAvailable } from "../support/browser.ts";
import type { Frame, Page } from "playwright-core";
import {
  inboundAudioBytes,
  openWidget,
  pcState,
  remoteAudio,
  remoteAudioPeak,
  startCallStage,
} from "../support/callPages.ts";
import { stageForSuite } from "../support/suiteStage.ts";
import { addAgentAndSignIn } from "../support/callPages.ts";

// A visitor presses Call on a shop's page, an agent accepts in the console, and real WebRTC
// (Chromium's fake camera and microphone) carries audio both ways until someone hangs up. Each side
// plays what it receives in an <audio> element: it plays (its clock runs) and carries the other
// side's beeping microphone. (That it is *heard* is proven headed, in callHeard.test.ts.)
/** The page plays the other side's audio: RTP arrives, the <audio> element's clock runs, and its stream carries signal. */
async function expectPlayingRemoteAudio(side: Page | Frame): Promise<void> {
  const bytes = await inboundAudioBytes(side);
  await expect.poll(() => inboundAudioBytes(side), { timeout: 20_000 }).toBeGreaterThan(bytes);
  await expect.poll(async () => (await remoteAudio(side))?.liveTracks, { timeout: 20_000 }).toBe(1);
  const start = await remoteAudio(side);
  expect(start).toMatchObject({ paused: false, muted: false });
  await expect.poll(async () => (await remoteAudio(side))?.currentTime, { timeout: 20_000 }).toBeGreaterThan(start!.currentTime);
  await expect.poll(() => remoteAudioPeak(side), { timeout: 30_000 }).toBeGreaterThan(0.01);
  // The camera's <video> never plays the sound a second time.
  expect(await side.evaluate("document.querySelector('video.call-remote').muted")).toBe(true);
}

describe.runIf(browserAvailable())("a call from the widget to the console", () => {
  const stage = stageForSuite(() => startCallStage());

  it("connects both sides with audio flowing both ways, and ends with a server-computed duration", async () => {
    const { t, browser, shop } = stage;
    const agent = await addAgentAndSignIn(browser, t, "caner", "616161");
    const { frame } = await openWidget(browser, shop.url);
    await frame.getByRole("button", { name: "Call" }).click();

    await agent.getByRole("button", { name: "Accept" }).click({ timeout: 20_000 });
    await expect.poll(() => pcState(agent), { timeout: 20_000 }).toBe("connected");
    await expect.poll(() => pcState(frame), { timeout: 20_000 }).toBe("connected");
    const connectedAt = Date.now();
    for (const side of [agent, frame]) await expectPlayingRemoteAudio(side);

    const hangUpAt = Date.now();
    await frame.getByRole("button", { name: "Hang up" }).click();
    await expect
      .poll(async () => (await t.deps.domain.db.selectFrom("calls").selectAll().executeTakeFirst())?.status, { timeout: 10_000 })
      .toBe("ended");
    const call = await t.deps.domain.db.selectFrom("calls").selectAll().executeTakeFirstOrThrow();
    // Answered before we saw it connected, ended after we pressed Hang up.
    expect(call.duration_ms).toBe(call.ended_at! - call.answered_at!);
    expect(call.duration_ms).toBeGreaterThanOrEqual(hangUpAt - connectedAt);
    expect(call.end_reason).toBe("caller_hung_up");
  }, 90_000);
});
