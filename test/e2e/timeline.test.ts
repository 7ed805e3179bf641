import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { startWidgetStage, addAgentAndSignIn, widgetFrame } from "../support/callPages.ts";
import { browserAvailable } from "../support/browser.ts";
import { addAgent } from "../support/testApp.ts";
import { stageForSuite } from "../support/suiteStage.ts";

// Issue 9's note and rating flows in real Chromium: a private note never reaches the widget (not
// shown, not in any socket frame it receives), and a resolved conversation is rated from the
// widget and the rating shows in the console's timeline.
describe.runIf(browserAvailable())("notes and ratings between the console and a widget", () => {
  const stage = stageForSuite(() => startWidgetStage());

  async function visitorPage(): Promise<{ page: Page; received: string[] }> {
    const context = await stage.browser.newContext({ locale: "en-US" });
    await context.addInitScript(`{
      const attach = Element.prototype.attachShadow;
      Element.prototype.attachShadow = function (init) { return attach.call(this, { ...init, mode: "open" }); };
    }`);
    const page = await context.newPage();
    // Every socket frame the widget receives, to prove the note never travels to it.
    const received: string[] = [];
    page.on("websocket", (socket) => socket.on("framereceived", ({ payload }) => received.push(String(payload))));
    return { page, received };
  }

  const consolePage = (username: string, chatId: string) => addAgentAndSignIn(stage.browser, stage.t, username, chatId);

  /** A visitor writes first; the agent opens that conversation. */
  async function startChat(agent: Page, text: string) {
    const { page, received } = await visitorPage();
    await page.goto(stage.shop.url);
    await page.getByRole("button", { name: "Open chat" }).click();
    const frame = await widgetFrame(page);
    await frame.getByLabel("Message").fill(text);
    await frame.getByRole("button", { name: "Send" }).click();
    await agent.getByText(text).first().click({ timeout: 15_000 });
    await agent.getByRole("textbox", { name: "Message", exact: true }).waitFor();
    return { frame, received };
  }

  it("keeps a note private: the console shows it, the widget never receives it, a later reply arrives", async () => {
    const { t } = stage;
    await addAgent(t.deps, "deniz");
    const agent = await consolePage("nazli", "616161");
    const { frame, received } = await startChat(agent, "My invoice is wrong");

    const note = "PRIVATE-NOTE refund was already issued";
    await agent.getByRole("button", { name: "Add note" }).click();
    expect(await agent.getByRole("button", { name: "Add note" }).getAttribute("aria-pressed")).toBe("true");
    // Typing @ in a note offers the team; Enter picks the highlighted agent.
    await agent.getByRole("textbox", { name: "Message", exact: true }).pressSequentially("@de");
    await agent.getByRole("option", { name: /@deniz/ }).waitFor({ timeout: 15_000 });
    await agent.getByRole("textbox", { name: "Message", exact: true }).press("Enter");
    expect(await agent.getByRole("textbox", { name: "Message", exact: true }).inputValue()).toBe("@deniz ");
    await agent.getByRole("textbox", { name: "Message", exact: true }).pressSequentially(note);
    await agent.getByRole("button", { name: "Send" }).click();
    // Generous on a loaded machine; if it never shows, say what the console showed instead (a toast, the draft).
    await agent
      .locator(".timeline-note", { hasText: note })
      .waitFor({ timeout: 30_000 })
      .catch(async (error: unknown) => {
        const shown = await agent.locator("[role=alert], [role=status], .toast").allTextContents();
        const draft = await agent.getByRole("textbox", { name: "Message", exact: true }).inputValue();
        throw new Error(`the note did not show: ${String(error)}; alerts ${JSON.stringify(shown)}; draft ${JSON.stringify(draft)}`);
      });
    // Sending the note put the composer back in reply mode.
    expect(await agent.getByRole("button", { name: "Add note" }).getAttribute("aria-pressed")).toBe("false");

    await agent.getByRole("textbox", { name: "Message", exact: true }).fill("Let me check that for you.");
    await agent.getByRole("button", { name: "Send" }).click();
    await frame.getByText("Let me check that for you.").waitFor({ timeout: 15_000 });
    // The reply came through the frames we watch, so their silence about the note means something.
    await expect.poll(() => received.some((payload) => payload.includes("Let me check that for you.")), { timeout: 15_000 }).toBe(true);
    expect(received.filter((payload) => payload.includes("PRIVATE-NOTE") || payload.includes("@deniz"))).toEqual([]);
    expect(await frame.getByText(note).count()).toBe(0);
    if (process.env.E2E_SCREENSHOTS) await agent.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/console-note.png` });
  }, 90_000);

  it("asks for a rating after resolve; Rate 4 with a comment shows in the console's timeline", async () => {
    const agent = await consolePage("onur", "626262");
    const { frame } = await startChat(agent, "How do I reset my password?");

    await agent.getByRole("button", { name: "Resolve", exact: true }).click();
    await frame.getByText("How was your conversation?").waitFor({ timeout: 15_000 });
    for (const score of [1, 2, 3, 4, 5]) expect(await frame.getByRole("button", { name: `Rate ${score}` }).count()).toBe(1);
    await frame.getByRole("button", { name: "Rate 4" }).click();
    await frame.getByLabel("Comment (optional)").fill("Quick and kind");
    if (process.env.E2E_SCREENSHOTS) await frame.page().screenshot({ path: `${process.env.E2E_SCREENSHOTS}/widget-rating.png` });
    await frame.locator(".rating").getByRole("button", { name: "Send" }).click();
    await frame.getByText("Thank you for your rating!").waitFor({ timeout: 15_000 });

    const rated = agent.locator('.timeline-event[data-kind="rated"]', { hasText: "Quick and kind" });
    await rated.waitFor({ timeout: 15_000 });
    expect(await rated.textContent()).toContain("Rated 4/5");
    await agent.locator(".timeline-event", { hasText: "Resolved" }).first().waitFor();
  }, 90_000);
});
