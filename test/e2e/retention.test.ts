import { describe, expect, it } from "vitest";
import { applyRetention } from "../../src/domain/privacy/retention.ts";
import { browserAvailable } from "../support/browser.ts";
import { signInConsole, visitorPage, widgetFrame, startWidgetStage } from "../support/callPages.ts";
import { saveSettingsDirectly } from "../support/installSettings.ts";
import { addAgent } from "../support/testApp.ts";
import { stageForSuite } from "../support/suiteStage.ts";

const DAY = 24 * 60 * 60 * 1000;

// A file deleted after its retention period: the message stays, and both the console and the
// widget say what happened to the file instead of showing a broken link.
describe.runIf(browserAvailable())("a file removed after its retention period", () => {
  const stage = stageForSuite(() => startWidgetStage());

  it("shows 'File removed after its retention period' in the console and the widget, beside the message kept", async () => {
    const { t, browser, shop } = stage;
    await addAgent(t.deps, "ilknur", { telegramChatId: "737373" });
    const visitor = await visitorPage(browser);
    await visitor.goto(shop.url);
    await visitor.getByRole("button", { name: "Open chat" }).click();
    let frame = await widgetFrame(visitor);
    await frame.locator('input[type="file"]').setInputFiles({ name: "invoice-march.txt", mimeType: "text/plain", buffer: Buffer.from("invoice 42") });
    await frame.getByLabel("Message").fill("Here is my invoice");
    await frame.getByRole("button", { name: "Send" }).click();
    const db = t.deps.domain.db;
    await expect.poll(async () => (await db.selectFrom("attachments").select("message_id").execute())[0]?.message_id ?? null, { timeout: 15_000 }).not.toBeNull();

    await saveSettingsDirectly(t.deps.domain, { attachmentRetentionDays: 2 });
    expect(await applyRetention(t.deps.domain, t.clock.now() + 3 * DAY)).toMatchObject({ attachments: 1, filesDeleted: 1 });

    const agent = await signInConsole(browser, t, "ilknur", "737373");
    await agent.locator("[data-conversation-link]").first().click();
    await agent.locator(".message-body", { hasText: "Here is my invoice" }).waitFor({ timeout: 15_000 });
    await agent.getByText("File removed after its retention period").waitFor({ timeout: 15_000 });
    expect(await agent.getByText("invoice-march.txt").count()).toBe(0);

    await visitor.reload();
    await visitor.getByRole("button", { name: "Open chat" }).click();
    frame = await widgetFrame(visitor);
    await frame.getByText("Here is my invoice").waitFor({ timeout: 15_000 });
    await frame.getByText("File removed after its retention period").waitFor({ timeout: 15_000 });
    expect(await frame.getByText("invoice-march.txt").count()).toBe(0);
  }, 120_000);
});
