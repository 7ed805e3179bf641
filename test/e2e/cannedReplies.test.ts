import { describe, expect, it } from "vitest";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { createCannedReply } from "../../src/domain/cannedReplies.ts";
import { seriousViolations } from "../support/axe.ts";
import { openWidget, startWidgetStage, addAgentAndSignIn } from "../support/callPages.ts";
import { browserAvailable } from "../support/browser.ts";
import { stageForSuite } from "../support/suiteStage.ts";

const EXPANDED = "Hello, I am Agent canan.\nHow can I help?";

// In real Chromium: an agent saves a canned reply on the Canned replies page, types `/gr` in a
// conversation, picks it with Enter, and the visitor's widget receives the expanded text.
describe.runIf(browserAvailable())("canned replies in the console", () => {
  const stage = stageForSuite(() => startWidgetStage());

  const consolePage = (username: string, chatId: string) => addAgentAndSignIn(stage.browser, stage.t, username, chatId);

  it("saves a reply on its page, inserts it with / and Enter, and the widget receives it", async () => {
    const { t, browser, shop } = stage;
    const agent = await consolePage("canan", "616161");
    await agent.getByRole("link", { name: "Canned replies" }).click();
    await agent.getByRole("heading", { name: "Canned replies", level: 1 }).waitFor();
    await agent.getByRole("button", { name: "New canned reply" }).click();
    // An agent may only make personal ones: Shared is offered to admins.
    expect(await agent.getByRole("radio", { name: /Shared/ }).isDisabled()).toBe(true);
    await agent.getByRole("textbox", { name: "Shortcut" }).fill("greet");
    await agent.getByRole("textbox", { name: "Text" }).fill("Hello {{visitor.name}}, I am {{agent.name}}.\nHow can I help?");
    await agent.getByRole("button", { name: "Save" }).click();
    await agent.getByText("/greet").waitFor({ timeout: 15_000 });
    expect(await seriousViolations(agent)).toEqual([]);
    if (process.env.E2E_SCREENSHOTS) {
      await agent.setViewportSize({ width: 1280, height: 720 });
      await agent.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/console-canned.png` });
    }

    // A second match for /gr, made beside the page, to move between with the arrow keys.
    const canan = (await findAgentByUsername(t.deps.domain.db, "canan"))!;
    await createCannedReply(t.deps.domain, { type: "agent", agentId: canan.id, sessionId: "s", role: "agent" }, { scope: "personal", shortcut: "greeting", text: "Good day!" });

    const visitor = await openWidget(browser, shop.url);
    await visitor.frame.getByLabel("Message").fill("Hi, anyone there?");
    await visitor.frame.getByRole("button", { name: "Send" }).click();

    await agent.getByRole("link", { name: "Inbox" }).click();
    await agent.getByText(/^Visitor #/).first().click({ timeout: 15_000 });
    await agent.getByText("Hi, anyone there?").first().waitFor({ timeout: 15_000 });
    const composer = agent.getByRole("textbox", { name: "Message", exact: true });
    await composer.click();
    await composer.pressSequentially("/gr");
    const picker = agent.getByRole("listbox", { name: "Canned replies" });
    const option = picker.getByRole("option", { name: /^\/greet Hello/ });
    await option.waitFor({ timeout: 15_000 });
    const second = picker.getByRole("option", { name: /\/greeting/ });
    await second.waitFor();
    expect(await option.getAttribute("aria-selected")).toBe("true");
    expect(await composer.getAttribute("aria-activedescendant")).toBe(await option.getAttribute("id"));
    await composer.press("ArrowDown");
    await expect.poll(() => composer.getAttribute("aria-activedescendant")).toBe(await second.getAttribute("id"));
    expect(await second.getAttribute("aria-selected")).toBe("true");
    await composer.press("ArrowUp");
    await expect.poll(() => composer.getAttribute("aria-activedescendant")).toBe(await option.getAttribute("id"));
    expect(await seriousViolations(agent)).toEqual([]);
    if (process.env.E2E_SCREENSHOTS) await agent.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/console-canned-picker.png` });
    await composer.press("Enter");
    // Enter inserted the reply (replacing /gr) and sent nothing: the picker is gone, the text waits.
    await expect.poll(() => composer.inputValue()).toBe(EXPANDED);
    expect(await picker.count()).toBe(0);

    await agent.getByRole("button", { name: "Send" }).click();
    await visitor.frame.getByText("Hello, I am Agent canan.").waitFor({ timeout: 15_000 });
    expect(await visitor.frame.getByText("How can I help?").count()).toBeGreaterThan(0);
    await expect.poll(() => composer.inputValue()).toBe("");

    // Nothing matches: the picker says so; Escape closes it and leaves the text as typed.
    await composer.pressSequentially("/zz");
    await agent.getByText("No canned reply matches “zz”.").waitFor();
    await composer.press("Escape");
    await expect.poll(() => picker.count()).toBe(0);
    expect(await composer.inputValue()).toBe("/zz");

    // Deleting asks once more.
    await agent.getByRole("link", { name: "Canned replies" }).click();
    await agent.getByRole("button", { name: "Delete greet", exact: true }).click();
    await agent.getByText("Delete the canned reply /greet?").waitFor();
    await agent.getByRole("button", { name: "Delete", exact: true }).click();
    await agent.getByRole("status").filter({ hasText: "Canned reply deleted." }).waitFor({ timeout: 15_000 });
    await expect.poll(() => agent.getByText("/greet", { exact: true }).count()).toBe(0);
    expect(await agent.getByText("/greeting", { exact: true }).count()).toBe(1);

    // On a phone the page fits its width, and the tab bar still leads here.
    await agent.setViewportSize({ width: 390, height: 844 });
    await agent.getByRole("button", { name: "New canned reply" }).click();
    await agent.getByRole("textbox", { name: "Shortcut" }).waitFor();
    expect(await agent.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    expect(await agent.getByRole("link", { name: "Canned replies" }).isVisible()).toBe(true);
    if (process.env.E2E_SCREENSHOTS) await agent.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/console-canned-phone.png` });
  }, 120_000);
});
