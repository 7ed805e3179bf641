import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable } from "../support/browser.ts";
import { type CallStage, inboundAudioBytes, openWidget, pcState, type Shop, signInConsole, startCallStage } from "../support/callPages.ts";
import { addAgent, type TestServer } from "../support/testApp.ts";

// A visitor presses Call on a shop's page, an agent accepts in the console, and real WebRTC
// (Chromium's fake camera and microphone) carries audio both ways until someone hangs up.
describe.runIf(browserAvailable())("a call from the widget to the console", () => {
  let stage: CallStage;
  let t: TestServer;
  let browser: Browser;
  let shop: Shop;

  beforeAll(async () => {
    stage = await startCallStage();
    ({ t, browser, shop } = stage);
  });
  afterAll(() => stage?.close());

  it("connects both sides with audio flowing both ways, and ends with a server-computed duration", async () => {
    await addAgent(t.deps, "caner", { telegramChatId: "616161" });
    const agent = await signInConsole(browser, t, "caner", "616161");
    const { frame } = await openWidget(browser, shop.url);
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
