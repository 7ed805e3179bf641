import type { Browser, Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable } from "../support/browser.ts";
import { type CallStage, openWidget, type Shop, signInConsole, startCallStage } from "../support/callPages.ts";
import { addAgent, type TestServer } from "../support/testApp.ts";

// Settings an admin saves in the console are live, with no restart: a widget opened afterwards
// shows the inbox's new colour and greeting (frame and launcher), and the next call is recorded
// and rings for as long as Settings now say.
describe.runIf(browserAvailable())("settings saved in the console apply live", () => {
  let stage: CallStage;
  let t: TestServer;
  let browser: Browser;
  let shop: Shop;

  beforeAll(async () => {
    // A team chat to ring, so the widget offers Call; recording off and a long ring from the environment.
    stage = await startCallStage({ RECORDING: "off", CALL_RING_TIMEOUT_S: "120", TELEGRAM_ADMIN_CHAT_ID: "-100444" });
    ({ t, browser, shop } = stage);
    await addAgent(t.deps, "yonca", { admin: true, telegramChatId: "424242" });
  });
  afterAll(() => stage?.close());

  const accentOf = (frame: Frame) => frame.evaluate(`getComputedStyle(document.documentElement).getPropertyValue("--accent").trim()`) as Promise<string>;
  /** The launcher button in the loader's shadow root (opened by openWidget's init script). */
  const launcherLook = (page: Page) =>
    page.evaluate(`(() => {
      const button = document.querySelector("destek-widget").shadowRoot.querySelector(".launcher");
      return { background: getComputedStyle(button).backgroundColor, x: button.getBoundingClientRect().x };
    })()`) as Promise<{ background: string; x: number }>;

  it("a widget opened after the admin saved the inbox's look shows its colour and greeting", async () => {
    const before = await openWidget(browser, shop.url);
    await before.frame.getByText("Hi there! How can we help you today?").waitFor();
    expect(await accentOf(before.frame)).not.toBe("#0a7d33");
    await before.page.context().close();

    const admin = await signInConsole(browser, t, "yonca", "424242");
    await admin.getByRole("link", { name: "Settings" }).first().click();
    await admin.getByRole("link", { name: "Widget look (colour, position, greeting)" }).click();
    await admin.getByLabel("Colour").fill("#0a7d33");
    await admin.getByLabel("Greeting (English)").fill("Welcome to the shop! Ask us anything.");
    await admin.getByLabel("Greeting (Turkish)").fill("Mağazaya hoş geldiniz!");
    await admin.getByLabel("Position").selectOption("left");
    // The website's own calls, assignment and Telegram chat, on the same form.
    await admin.getByLabel("Offer video calls").uncheck();
    await admin.getByLabel("Ring time for this website (seconds)").fill("45");
    await admin.getByLabel("Assign new conversations automatically").check();
    await admin.getByLabel("Most open conversations per agent").fill("3");
    await admin.getByLabel("Telegram chat of this website").fill("-1004242");
    await admin.getByRole("button", { name: "Save settings" }).click();
    await admin.getByText("Settings saved.").waitFor();
    const stored = JSON.parse((await t.deps.domain.db.selectFrom("inboxes").select("settings").where("id", "=", "default").executeTakeFirstOrThrow()).settings);
    expect(stored).toMatchObject({ calls: { video: false, ringTimeoutS: 45 }, assignment: { auto: true, capacity: 3 }, telegramChatId: "-1004242" });
    if (process.env.E2E_SCREENSHOTS) {
      await admin.getByRole("heading", { name: "Widget" }).scrollIntoViewIfNeeded();
      await admin.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/console-inbox-settings.png` });
    }
    // The audit log says who changed what, from what to what.
    await admin.getByRole("link", { name: "Audit log" }).first().click();
    await admin.getByText("widget.colour: #1f6feb → #0a7d33", { exact: false }).first().waitFor({ timeout: 15_000 });

    const after = await openWidget(browser, shop.url);
    await after.frame.getByText("Welcome to the shop! Ask us anything.").waitFor({ timeout: 15_000 });
    await expect.poll(() => accentOf(after.frame), { timeout: 15_000 }).toBe("#0a7d33");
    // The launcher takes the look from the frame: its colour, and the left side of the page.
    await expect.poll(async () => (await launcherLook(after.page)).background, { timeout: 15_000 }).toBe("rgb(10, 125, 51)");
    expect((await launcherLook(after.page)).x).toBeLessThan(640);
    if (process.env.E2E_SCREENSHOTS) await after.page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/widget-inbox-look.png` });
    await after.page.context().close();

    // A website that speaks Turkish only: an English browser gets the Turkish widget and greeting.
    const row = await t.deps.domain.db.selectFrom("inboxes").select("settings").where("id", "=", "default").executeTakeFirstOrThrow();
    const saved = JSON.parse(row.settings) as { widget: Record<string, unknown> };
    saved.widget.languages = ["tr"];
    await t.deps.domain.db.updateTable("inboxes").set({ settings: JSON.stringify(saved) }).where("id", "=", "default").execute();
    const turkish = await openWidget(browser, shop.url);
    await turkish.frame.getByText("Mağazaya hoş geldiniz!").waitFor({ timeout: 15_000 });
    expect(await turkish.frame.evaluate("document.documentElement.lang")).toBe("tr");
    await turkish.page.context().close();
    // Both languages, video and the team's ring time again, for the test below.
    saved.widget.languages = ["tr", "en"];
    (saved as { calls?: unknown }).calls = { enabled: true, video: true };
    await t.deps.domain.db.updateTable("inboxes").set({ settings: JSON.stringify(saved) }).where("id", "=", "default").execute();
  }, 180_000);

  it("the next call uses the recording mode and ring time saved in Settings", async () => {
    const admin = await signInConsole(browser, t, "yonca", "424242");
    await admin.getByRole("link", { name: "Settings" }).first().click();
    await admin.getByLabel("Recording", { exact: true }).selectOption("audio");
    await admin.getByLabel("Ring time (seconds)").fill("30");
    await admin.getByRole("button", { name: "Save settings" }).first().click();
    await admin.getByText("Settings saved.").waitFor();
    if (process.env.E2E_SCREENSHOTS) {
      await admin.getByRole("heading", { name: "Team settings" }).scrollIntoViewIfNeeded();
      await admin.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/console-team-settings.png` });
    }

    const { frame } = await openWidget(browser, shop.url);
    await frame.getByRole("button", { name: "Call" }).click();
    await frame.getByText("This call will be recorded (audio).").waitFor({ timeout: 15_000 });
    await frame.getByRole("button", { name: "Agree and call" }).click();
    const calls = () => t.deps.domain.db.selectFrom("calls").selectAll().execute();
    await expect.poll(async () => (await calls()).length, { timeout: 15_000 }).toBe(1);
    const [placed] = await calls();
    expect(placed).toMatchObject({ status: "queued", recording_mode: "audio", consent_mode: "audio" });

    // Ringing ends after the saved 30 seconds, not the environment's 120: the ring job (running as
    // in production) misses it once the clock is 31 seconds on.
    t.clock.advance(31_000);
    await expect.poll(async () => (await calls())[0]?.status, { timeout: 15_000 }).toBe("missed");
  }, 180_000);

  it("the Data retention settings are saved from the console, empty keeping everything", async () => {
    const admin = await signInConsole(browser, t, "yonca", "424242");
    await admin.getByRole("link", { name: "Settings" }).first().click();
    const retention = admin.getByRole("group", { name: "Data retention" });
    await retention.getByLabel("Delete resolved conversations after (days)").fill("365");
    await retention.getByLabel("Delete attachments after (days)").fill("90");
    await retention.getByLabel("Delete recordings after (days)").fill("30");
    await admin.getByRole("button", { name: "Save settings" }).first().click();
    await admin.getByText("Settings saved.").waitFor();
    t.deps.domain.settings.invalidate();
    expect(await t.deps.domain.settings.current()).toMatchObject({ conversationRetentionDays: 365, attachmentRetentionDays: 90, recordingRetentionDays: 30 });

    await retention.getByLabel("Delete attachments after (days)").fill("");
    await admin.getByRole("button", { name: "Save settings" }).first().click();
    await expect.poll(async () => {
      t.deps.domain.settings.invalidate();
      return (await t.deps.domain.settings.current()).attachmentRetentionDays;
    }, { timeout: 15_000 }).toBeNull();
  }, 180_000);
});
