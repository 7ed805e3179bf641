import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { seriousViolations, seriousViolationsInFrame } from "../support/axe.ts";
import { visitorPage as newVisitorPage, widgetFrame, startWidgetStage, addAgentAndSignIn } from "../support/callPages.ts";
import { browserAvailable } from "../support/browser.ts";
import { stageForSuite } from "../support/suiteStage.ts";

// The main flow in real Chromium: a visitor on a site of another origin chats through the
// widget; an agent answers from the console; both see each other live, with read state.
describe.runIf(browserAvailable())("chat between a widget on another site and the console", () => {
  // The host page lives on another origin (localhost, another port), like a customer's shop.
  const stage = stageForSuite(() => startWidgetStage());

  const visitorPage = () => newVisitorPage(stage.browser);

  const consolePage = (username: string, chatId: string) => addAgentAndSignIn(stage.browser, stage.t, username, chatId);

  it("carries text and an image to the console and the reply back, with read ticks", async () => {
    const { shop } = stage;
    const agent = await consolePage("aylin", "515151");
    const visitor = await visitorPage();
    const dialogs: string[] = [];
    visitor.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    agent.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });

    await visitor.goto(shop.url);
    const launcher = visitor.getByRole("button", { name: "Open chat" });
    await launcher.waitFor();
    expect(await seriousViolations(visitor)).toEqual([]);
    await launcher.click();
    const frame = await widgetFrame(visitor);

    const hostile = 'Where is my order? <img src=x onerror="alert(1)"><script>alert(2)</script>';
    await frame.getByLabel("Message").fill(hostile);
    await frame.getByRole("button", { name: "Send" }).click();
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#22aa55" } }).png().toBuffer();
    await frame.locator('input[type="file"]').setInputFiles({ name: "parcel.png", mimeType: "image/png", buffer: png });
    await expect.poll(() => frame.locator("img[src*='/files/']").count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await seriousViolationsInFrame(frame)).toEqual([]);

    // The agent sees both live, without reloading.
    // The list shows the last message (the photo) under the visitor's name.
    const item = agent.getByText(/^Visitor #/).first();
    await item.waitFor({ timeout: 15_000 }).catch(async (error: unknown) => {
      if (process.env.E2E_SCREENSHOTS) await agent.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/agent.png` });
      throw error;
    });
    await item.click();
    await agent.getByText(hostile).first().waitFor({ timeout: 15_000 });
    await expect.poll(() => agent.locator("img[src*='/files/']").count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await seriousViolations(agent)).toEqual([]);

    await agent.getByRole("textbox", { name: "Message", exact: true }).fill("Thanks! It ships today.");
    await agent.getByRole("button", { name: "Send" }).click();

    // The visitor sees the reply, and their own messages turn to "Read".
    await frame.getByText("Thanks! It ships today.").waitFor({ timeout: 15_000 });
    await expect.poll(() => frame.getByText(hostile).first().isVisible(), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => frame.locator('[aria-label="Read"], :text("Read")').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    // The hostile markup was shown as text on both sides, never made into elements, so no handler
    // of it can run later: no alert can still come.
    for (const side of [frame, agent]) {
      const made = await side.evaluate(`[...document.querySelectorAll("img, script")].filter((e) => e.getAttribute("src") === "x" || e.textContent.includes("alert(")).length`);
      expect(made).toBe(0);
    }
    expect(dialogs).toEqual([]);
    // `E2E_SCREENSHOTS=docs npx vitest run test/e2e/chat.test.ts` refreshes the README's pictures.
    if (process.env.E2E_SCREENSHOTS) {
      await agent.setViewportSize({ width: 1280, height: 720 });
      await agent.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/console-inbox.png` });
      await visitor.setViewportSize({ width: 1000, height: 720 });
      await visitor.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/widget.png` });
    }
  }, 90_000);
});
