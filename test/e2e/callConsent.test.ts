import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable } from "../support/browser.ts";
import { type CallStage, openWidget, type Shop, startCallStage } from "../support/callPages.ts";
import type { TestServer } from "../support/testApp.ts";
import { saveSettingsDirectly } from "../support/installSettings.ts";

// Recording is switched on (an operator changed RECORDING and restarted) while a visitor's widget
// was already open: the widget learns it when the visitor presses Call, asks for consent to that
// mode, and the server stores the consent with the call. When the mode changes again while the
// consent dialog is open, the server refuses the stale consent and the widget asks again.
describe.runIf(browserAvailable())("recording consent asked at the Call press", () => {
  let stage: CallStage;
  let t: TestServer;
  let browser: Browser;
  let shop: Shop;

  beforeAll(async () => {
    // A team chat to ring: with nobody reachable at all the widget offers no Call (team_away).
    stage = await startCallStage({ RECORDING: "off", TELEGRAM_ADMIN_CHAT_ID: "-100555" });
    ({ t, browser, shop } = stage);
  });
  afterAll(() => stage?.close());

  const calls = () => t.deps.domain.db.selectFrom("calls").selectAll().execute();

  it("asks for consent to the mode in force at the press, retries with the new mode, and stores it", async () => {
    const { frame } = await openWidget(browser, shop.url);
    const call = frame.getByRole("button", { name: "Call" });
    await call.waitFor();
    // The widget loaded while calls were not recorded; now they are.
    await saveSettingsDirectly(t.deps.domain, { recording: "audio" });
    await call.click();
    await frame.getByText("This call will be recorded (audio).").waitFor({ timeout: 10_000 });
    expect(await calls()).toHaveLength(0);

    // Changed again before the visitor agrees: their consent is to a mode no longer in force.
    await saveSettingsDirectly(t.deps.domain, { recording: "audio+video" });
    await frame.getByRole("button", { name: "Agree and call" }).click();
    await frame.getByText("This call will be recorded (audio and video).").waitFor({ timeout: 10_000 });
    expect(await calls()).toHaveLength(0);

    await frame.getByRole("button", { name: "Agree and call" }).click();
    await expect.poll(async () => (await calls()).length, { timeout: 10_000 }).toBe(1);
    const [row] = await calls();
    expect(row).toMatchObject({ status: "queued", recording_mode: "audio+video", consent_mode: "audio+video", consent_version: expect.any(String) });
    expect(row!.consent_at).toBeGreaterThan(0);
    await frame.getByRole("button", { name: "Hang up" }).click();
    await expect.poll(async () => (await calls())[0]?.status, { timeout: 10_000 }).toBe("ended");
  }, 120_000);
});
