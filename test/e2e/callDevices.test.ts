import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable } from "../support/browser.ts";
import {
  CALL_PC,
  type CallStage,
  inboundAudioBytes,
  openWidget,
  pcState,
  ServerMessageHold,
  type Shop,
  signInConsole,
  startCallStage,
} from "../support/callPages.ts";
import { addAgent, type TestServer } from "../support/testApp.ts";

// The call's devices and the worst moments of a connection: another microphone chosen, the one in
// use gone (a headset unplugged), a microphone the browser refuses, and the console's socket
// dropping while the call ends.

/** Audio keeps arriving on this side: more bytes than a moment ago. */
async function expectAudioFlowing(side: Parameters<typeof inboundAudioBytes>[0]): Promise<void> {
  const before = await inboundAudioBytes(side);
  await expect.poll(() => inboundAudioBytes(side), { timeout: 30_000 }).toBeGreaterThan(before + 2000);
}

/** The id of the microphone track the console sends in its call. */
const sentMicrophone = (page: Page) => page.evaluate(`${CALL_PC}.getSenders().find((s) => s.track && s.track.kind === "audio")?.track.id ?? null`) as Promise<string | null>;

describe.runIf(browserAvailable())("call devices, a blocked microphone, a dropped socket", () => {
  let stage: CallStage;
  let t: TestServer;
  let browser: Browser;
  let shop: Shop;

  beforeAll(async () => {
    stage = await startCallStage({ CALL_VISITOR_DAILY_LIMIT: "5" });
    ({ t, browser, shop } = stage);
  }, 60_000);
  afterAll(() => stage?.close());

  /** One console whose socket passes through the test, for both socket tests (sign-in codes are limited to 3 a minute). */
  let held: { agent: Page; hold: ServerMessageHold } | undefined;
  async function heldConsole(): Promise<{ agent: Page; hold: ServerMessageHold }> {
    if (held) return held;
    await addAgent(t.deps, "irmak", { telegramChatId: "777777" });
    const hold = new ServerMessageHold();
    held = { agent: await signInConsole(browser, t, "irmak", "777777", { hold }), hold };
    return held;
  }

  const latestCall = () => t.deps.domain.db.selectFrom("calls").selectAll().orderBy("created_at", "desc").executeTakeFirstOrThrow();

  async function connectedCall(agent: Page) {
    const { page, frame } = await openWidget(browser, shop.url);
    await frame.getByRole("button", { name: "Call" }).click();
    await agent.getByRole("button", { name: "Accept" }).click({ timeout: 20_000 });
    await expect.poll(() => pcState(agent), { timeout: 20_000 }).toBe("connected");
    await expect.poll(() => pcState(frame), { timeout: 20_000 }).toBe("connected");
    return { page, frame };
  }

  it("chooses another microphone, and moves to the default one when the microphone in use goes away, the call carrying on", async () => {
    await addAgent(t.deps, "yusuf", { telegramChatId: "747474" });
    const agent = await signInConsole(browser, t, "yusuf", "747474");
    const { page, frame } = await connectedCall(agent);

    // The quality line reads round trip, loss and jitter from getStats.
    const quality = agent.locator(".call-quality");
    await quality.waitFor({ timeout: 20_000 });
    expect(await quality.textContent()).toMatch(/^(Good|Fair|Poor)$/);
    expect(await quality.getAttribute("title")).toMatch(/^Round trip \d+ ms · packet loss [\d.]+% · jitter \d+ ms · \d+ kbit\/s$/);

    const microphone = agent.getByRole("combobox", { name: "Microphone" });
    await expect.poll(() => microphone.locator("option").count(), { timeout: 10_000 }).toBeGreaterThan(1);
    const first = await sentMicrophone(agent);
    const other = await microphone.locator("option").nth(1).getAttribute("value");
    await microphone.selectOption(other!);
    await expect.poll(() => sentMicrophone(agent), { timeout: 10_000 }).not.toBe(first);
    await expect.poll(() => microphone.inputValue(), { timeout: 10_000 }).toBe(other);
    await expectAudioFlowing(frame);

    // The device in use goes away: its track ends (what unplugging does), and the call moves on.
    const chosen = await sentMicrophone(agent);
    await agent.evaluate(`(() => {
      const track = ${CALL_PC}.getSenders().find((s) => s.track && s.track.kind === "audio").track;
      track.stop();
      track.dispatchEvent(new Event("ended"));
    })()`);
    await expect.poll(() => sentMicrophone(agent), { timeout: 10_000 }).not.toBe(chosen);
    expect(await agent.evaluate(`${CALL_PC}.getSenders().find((s) => s.track && s.track.kind === "audio").track.readyState`)).toBe("live");
    await expectAudioFlowing(frame);
    expect(await pcState(agent)).toBe("connected");

    // The speaker, where the browser lets a page choose it.
    const speaker = agent.getByRole("combobox", { name: "Speaker" });
    if ((await speaker.count()) > 0 && (await speaker.locator("option").count()) > 1) {
      const output = await speaker.locator("option").nth(1).getAttribute("value");
      await speaker.selectOption(output!);
      await expect.poll(() => agent.evaluate(`document.querySelector("audio.call-remote-audio").sinkId`), { timeout: 10_000 }).toBe(output);
    }
    await frame.getByRole("button", { name: "Hang up" }).click();
    await expect.poll(async () => (await latestCall()).status, { timeout: 10_000 }).toBe("ended");
    await agent.close();
    await page.close();
  }, 120_000);

  it("with the microphone refused after a reload, the agent is still in the call, hears the caller and is told why they are not heard", async () => {
    await addAgent(t.deps, "mert", { telegramChatId: "757575" });
    const agent = await signInConsole(browser, t, "mert", "757575");
    const { page, frame } = await connectedCall(agent);
    // From the next load on, this console's browser refuses the microphone.
    await agent.context().addInitScript(`{
      const ask = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getUserMedia = (c) => c && c.audio ? Promise.reject(new DOMException("Permission denied", "NotAllowedError")) : ask(c);
    }`);
    await agent.reload();
    await expect.poll(() => pcState(agent), { timeout: 30_000 }).toBe("connected");
    await expect.poll(() => agent.getByRole("alert").filter({ hasText: "Your microphone is blocked" }).isVisible(), { timeout: 10_000 }).toBe(true);
    await expectAudioFlowing(agent);
    expect((await latestCall()).status).toBe("active");
    await frame.getByRole("button", { name: "Hang up" }).click();
    await expect.poll(async () => (await latestCall()).status, { timeout: 10_000 }).toBe("ended");
    await agent.close();
    await page.close();
  }, 120_000);

  it("on a poor link the video stops being sent and the voice goes on; both come back when the link is good", async () => {
    const { agent } = await heldConsole();
    const { page, frame } = await connectedCall(agent);
    await agent.getByRole("button", { name: "Camera on" }).click();
    await agent.getByRole("button", { name: "Camera off" }).waitFor();
    const sending = () =>
      agent.evaluate(`(() => {
        const active = (kind) => ${CALL_PC}.getTransceivers().find((t) => t.receiver.track.kind === kind).sender.getParameters().encodings[0]?.active;
        return { audio: active("audio"), video: active("video") };
      })()`) as Promise<{ audio: boolean; video: boolean }>;
    // A loaded test machine may rate its loopback Fair; anything but Poor sends video.
    await expect.poll(() => agent.locator(".call-quality").textContent(), { timeout: 20_000 }).toMatch(/^(Good|Fair)$/);
    expect(await sending()).toEqual({ audio: true, video: true });

    // No lossy network can be made on a shared machine: the browser's own statistics are made to
    // report that half the packets sent to the console are lost, which is what the meter reads.
    await agent.evaluate(`(() => {
      const pc = ${CALL_PC};
      const real = pc.getStats.bind(pc);
      pc.getStats = async (...args) => {
        const report = await real(...args);
        if (!window.__testPoorLink) return report;
        const lossy = new Map();
        report.forEach((s, key) => lossy.set(key, s.type === "inbound-rtp" ? { ...s, packetsLost: s.packetsReceived } : s));
        return lossy;
      };
      window.__testPoorLink = true;
    })()`);
    await expect.poll(() => agent.locator(".call-quality").textContent(), { timeout: 20_000 }).toBe("Poor");
    await expect.poll(sending, { timeout: 10_000 }).toEqual({ audio: true, video: false });
    await expectAudioFlowing(frame);

    await agent.evaluate("window.__testPoorLink = false");
    await expect.poll(() => agent.locator(".call-quality").textContent(), { timeout: 20_000 }).toMatch(/^(Good|Fair)$/);
    await expect.poll(sending, { timeout: 10_000 }).toEqual({ audio: true, video: true });
    await frame.getByRole("button", { name: "Hang up" }).click();
    await expect.poll(async () => (await latestCall()).status, { timeout: 10_000 }).toBe("ended");
    await agent.getByRole("button", { name: "Hang up" }).waitFor({ state: "detached", timeout: 20_000 });
    await page.close();
  }, 120_000);

  it("a console whose socket dropped while the caller's widget reloaded gets the call back once its socket is", async () => {
    const { agent, hold } = await heldConsole();
    const { page, frame } = await connectedCall(agent);

    // The console's network goes while the widget reloads: the news that the caller rejoined is lost.
    hold.hold();
    await frame.evaluate("location.reload()").catch(() => undefined);
    await frame.getByRole("button", { name: "Hang up" }).waitFor({ timeout: 30_000 });
    hold.cut();
    hold.release();
    // Once the socket is back, the call is whole again: the news comes again, or the console starts afresh.
    await expect.poll(() => pcState(frame).catch(() => "none"), { timeout: 60_000 }).toBe("connected");
    await expect.poll(() => pcState(agent), { timeout: 30_000 }).toBe("connected");
    await expectAudioFlowing(agent);
    await expectAudioFlowing(frame);
    expect((await latestCall()).status).toBe("active");
    await frame.getByRole("button", { name: "Hang up" }).click();
    await expect.poll(async () => (await latestCall()).status, { timeout: 10_000 }).toBe("ended");
    await agent.getByRole("button", { name: "Hang up" }).waitFor({ state: "detached", timeout: 20_000 });
    await page.close();
  }, 150_000);

  it("a widget whose socket dropped while the agent hung up says the call ended once its socket is back", async () => {
    const { agent } = await heldConsole();
    const hold = new ServerMessageHold();
    const { page, frame } = await openWidget(browser, shop.url, undefined, { hold });
    await frame.getByRole("button", { name: "Call" }).click();
    await agent.getByRole("button", { name: "Accept" }).click({ timeout: 20_000 });
    await expect.poll(() => pcState(frame), { timeout: 20_000 }).toBe("connected");

    // The visitor's network goes: the news of the hang-up never reaches the widget.
    expect(hold.open).toBe(1);
    hold.hold();
    await agent.getByRole("button", { name: "Hang up" }).click();
    await expect.poll(async () => (await latestCall()).status, { timeout: 10_000 }).toBe("ended");
    hold.cut();
    hold.release();
    // Back on a new socket, the widget checks its call, finds it over and says so.
    await frame.getByText(/^Call ended · \d\d:\d\d$/).waitFor({ timeout: 30_000 });
    expect(await frame.getByRole("button", { name: "Hang up" }).count()).toBe(0);
    await page.close();
  }, 120_000);

  it("a console whose socket dropped while the call ended learns it once the socket is back", async () => {
    const { agent, hold } = await heldConsole();
    const { page, frame } = await connectedCall(agent);

    // The network goes: the news of the hang-up never reaches the console.
    hold.hold();
    await frame.getByRole("button", { name: "Hang up" }).click();
    await expect.poll(async () => (await latestCall()).status, { timeout: 10_000 }).toBe("ended");
    hold.cut();
    hold.release();
    // Back on a new socket, the console checks its call, finds it over and says so.
    await expect.poll(() => agent.getByRole("button", { name: "Hang up" }).count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => agent.getByRole("status").filter({ hasText: /^Call with .+ ended · \d\d:\d\d$/ }).count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await agent.close();
    await page.close();
  }, 120_000);
});
