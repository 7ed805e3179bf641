import type { Browser, Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable } from "../support/browser.ts";
import { CALL_PC, type CallStage, inboundAudioBytes, openWidget, pcState, type Shop, signInConsole, startCallStage } from "../support/callPages.ts";
import { addAgent, type TestServer } from "../support/testApp.ts";

// A call that holds: the agent's console reloaded mid-call, the visitor's widget frame reloaded,
// and an ICE restart (what a network change triggers) all come back to a connected call carrying
// audio both ways, with the call's timer going on from the first answer. The side that stayed
// says "Reconnecting…" and then "Back".

/** Notes every text the call screen's connection line shows from now on (it may change quickly). */
async function watchLinkTexts(side: Page | Frame): Promise<void> {
  await side.evaluate(`(() => {
    window.__testLinkTexts = [];
    const note = () => {
      const el = document.querySelector(".call-link");
      const text = el ? el.textContent : null;
      if (text && window.__testLinkTexts.at(-1) !== text) window.__testLinkTexts.push(text);
    };
    new MutationObserver(note).observe(document.body, { subtree: true, childList: true, characterData: true });
    note();
  })()`);
}
const linkTexts = (side: Page | Frame) => side.evaluate("window.__testLinkTexts") as Promise<string[]>;

/** Audio keeps arriving on this side: more bytes than a moment ago. */
async function expectAudioFlowing(side: Page | Frame): Promise<void> {
  await expect.poll(() => inboundAudioBytes(side).catch(() => 0), { timeout: 30_000 }).toBeGreaterThan(0);
  const before = await inboundAudioBytes(side);
  await expect.poll(() => inboundAudioBytes(side), { timeout: 30_000 }).toBeGreaterThan(before + 2000);
}

/** The seconds the call screen's timer shows. */
async function timerSeconds(side: Page | Frame): Promise<number> {
  const text = (await side.getByRole("timer").textContent()) ?? "";
  return text.split(":").reduce((total, part) => total * 60 + Number(part), 0);
}

describe.runIf(browserAvailable())("a call comes back after a reload or a network change", () => {
  let stage: CallStage;
  let t: TestServer;
  let browser: Browser;
  let shop: Shop;
  let agent: Page;

  beforeAll(async () => {
    stage = await startCallStage({ CALL_VISITOR_DAILY_LIMIT: "5" });
    ({ t, browser, shop } = stage);
    await addAgent(t.deps, "deniz", { telegramChatId: "727272" });
    agent = await signInConsole(browser, t, "deniz", "727272");
  }, 60_000);
  afterAll(() => stage?.close());

  const latestCall = () => t.deps.domain.db.selectFrom("calls").selectAll().orderBy("created_at", "desc").executeTakeFirstOrThrow();

  async function connectedCall(): Promise<{ page: Page; frame: Frame }> {
    const { page, frame } = await openWidget(browser, shop.url);
    await frame.getByRole("button", { name: "Call" }).click();
    await agent.getByRole("button", { name: "Accept" }).click({ timeout: 20_000 });
    await expect.poll(() => pcState(agent), { timeout: 20_000 }).toBe("connected");
    await expect.poll(() => pcState(frame), { timeout: 20_000 }).toBe("connected");
    return { page, frame };
  }

  async function hangUp(frame: Frame): Promise<void> {
    await frame.getByRole("button", { name: "Hang up" }).click();
    await expect.poll(async () => (await latestCall()).status, { timeout: 10_000 }).toBe("ended");
  }

  it("a console reloaded mid-call comes back into it: connected again, audio both ways, the timer going on; the caller saw Reconnecting… then Back", async () => {
    const { page, frame } = await connectedCall();
    const answered = (await latestCall()).answered_at!;
    await watchLinkTexts(frame);

    await agent.reload();
    // No click on the reloaded page: it finds the call by itself.
    await expect.poll(() => pcState(agent), { timeout: 30_000 }).toBe("connected");
    await expect.poll(() => pcState(frame), { timeout: 30_000 }).toBe("connected");
    await expectAudioFlowing(agent);
    await expectAudioFlowing(frame);
    await expect.poll(() => linkTexts(frame), { timeout: 10_000 }).toEqual(expect.arrayContaining(["Reconnecting…", "Back"]));
    const texts = await linkTexts(frame);
    expect(texts.indexOf("Reconnecting…")).toBeLessThan(texts.lastIndexOf("Back"));

    // The timer counts from the first answer, not from the reload.
    const call = await latestCall();
    expect(call).toMatchObject({ status: "active", answered_at: answered });
    const elapsedS = Math.floor((Date.now() - answered) / 1000);
    expect(await timerSeconds(agent)).toBeGreaterThanOrEqual(elapsedS - 2);
    await hangUp(frame);
    await page.close();
  }, 150_000);

  it("a widget frame reloaded mid-call comes back into it; the agent saw Reconnecting… then Back", async () => {
    const { page, frame } = await connectedCall();
    const answered = (await latestCall()).answered_at!;
    await watchLinkTexts(agent);

    // The frame navigates away under the evaluation, which may then report its context gone.
    await frame.evaluate("location.reload()").catch(() => undefined);
    await frame.waitForLoadState();
    await expect.poll(() => pcState(frame).catch(() => "none"), { timeout: 30_000 }).toBe("connected");
    await expect.poll(() => pcState(agent), { timeout: 30_000 }).toBe("connected");
    await expectAudioFlowing(frame);
    await expectAudioFlowing(agent);
    await expect.poll(() => linkTexts(agent), { timeout: 10_000 }).toEqual(expect.arrayContaining(["Reconnecting…", "Back"]));

    expect(await latestCall()).toMatchObject({ status: "active", answered_at: answered });
    const elapsedS = Math.floor((Date.now() - answered) / 1000);
    expect(await timerSeconds(frame)).toBeGreaterThanOrEqual(elapsedS - 2);
    await hangUp(frame);
    await page.close();
  }, 150_000);

  it("a shop page reloaded mid-call opens the chat by itself and comes back into the call", async () => {
    const { page, frame } = await connectedCall();
    const answered = (await latestCall()).answered_at!;
    await watchLinkTexts(agent);

    await page.reload();
    // Nobody presses Open chat: the widget loads early (a call is in progress) and shows itself.
    const again = await (await page.waitForSelector("iframe", { timeout: 20_000 })).contentFrame();
    if (!again) throw new Error("the widget has no frame after the reload");
    await again.getByRole("button", { name: "Hang up" }).waitFor({ timeout: 30_000 });
    expect(await page.getByRole("button", { name: "Close chat" }).isVisible()).toBe(true);
    await expect.poll(() => pcState(again).catch(() => "none"), { timeout: 30_000 }).toBe("connected");
    await expect.poll(() => pcState(agent), { timeout: 30_000 }).toBe("connected");
    await expectAudioFlowing(again);
    await expectAudioFlowing(agent);
    await expect.poll(() => linkTexts(agent), { timeout: 10_000 }).toEqual(expect.arrayContaining(["Reconnecting…", "Back"]));
    expect(await latestCall()).toMatchObject({ status: "active", answered_at: answered });
    expect(frame.isDetached()).toBe(true);
    await hangUp(again);
    await page.close();
  }, 150_000);

  it("a connection that stops answering is restarted by the console after 3 s disconnected, before ICE would fail", async () => {
    const { page, frame } = await connectedCall();
    const ufrag = () => agent.evaluate(`${CALL_PC}.localDescription.sdp.match(/a=ice-ufrag:(\\S+)/)[1]`) as Promise<string>;
    const before = await ufrag();
    const states: string[] = [];
    await agent.exposeFunction("__testIceState", (state: string) => states.push(state));
    await agent.evaluate(`${CALL_PC}.addEventListener("iceconnectionstatechange", (e) => window.__testIceState(e.target.iceConnectionState))`);
    // The caller's side goes silent: its connection stops answering (as a dead network would).
    await frame.evaluate(`${CALL_PC}.close()`);
    await expect.poll(() => states, { timeout: 30_000 }).toContain("disconnected");
    const disconnectedAt = Date.now();
    // The console offers again with new ICE credentials, without waiting for "failed".
    await expect.poll(ufrag, { timeout: 20_000 }).not.toBe(before);
    expect(states).not.toContain("failed");
    expect(Date.now() - disconnectedAt).toBeLessThan(20_000);
    // The caller's page comes back (here: a reload) and the call is whole again.
    await frame.evaluate("location.reload()").catch(() => undefined);
    await expect.poll(() => pcState(frame).catch(() => "none"), { timeout: 30_000 }).toBe("connected");
    await expect.poll(() => pcState(agent), { timeout: 30_000 }).toBe("connected");
    await expectAudioFlowing(agent);
    await hangUp(frame);
    await page.close();
  }, 150_000);

  it("an ICE restart mid-call (what a network change triggers) keeps the same connection and audio flowing both ways", async () => {
    const { page, frame } = await connectedCall();
    const ufrag = () => agent.evaluate(`${CALL_PC}.localDescription.sdp.match(/a=ice-ufrag:(\\S+)/)[1]`) as Promise<string>;
    const before = await ufrag();
    await agent.evaluate(`${CALL_PC}.restartIce()`);
    // New ICE credentials were negotiated with the caller, on the same connection.
    await expect.poll(ufrag, { timeout: 20_000 }).not.toBe(before);
    await expect.poll(() => agent.evaluate(`${CALL_PC}.signalingState`), { timeout: 20_000 }).toBe("stable");
    await expect.poll(() => pcState(agent), { timeout: 20_000 }).toBe("connected");
    await expectAudioFlowing(agent);
    await expectAudioFlowing(frame);
    await hangUp(frame);
    await page.close();
  }, 120_000);
});
