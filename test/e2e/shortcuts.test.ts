import { randomUUID } from "node:crypto";
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { sendVisitorMessage } from "../../src/domain/chat/messages.ts";
import { identifyVisitor } from "../../src/domain/chat/visitors.ts";
import { browserAvailable } from "../support/browser.ts";
import { startConsoleStage, addAgentAndSignIn } from "../support/callPages.ts";
import { newVisitorToken } from "../support/chatClients.ts";
import { stageForSuite } from "../support/suiteStage.ts";

// Issue 9 §3: the console's keyboard shortcuts in real Chromium, driven by keys only: `?` opens the
// sheet (Escape closes it), j/k move through the list, o opens, r puts the cursor in Message, and
// e resolves, a assigns to me, n starts a note, / goes to Search, g c and g i move between pages.
describe.runIf(browserAvailable())("keyboard shortcuts in the console", () => {
  const stage = stageForSuite(() => startConsoleStage());

  async function visitorWrites(name: string, body: string): Promise<string> {
    const domain = stage.t.deps.domain;
    const origin = { address: "203.0.113.20" };
    const visitor = await identifyVisitor(domain, { token: newVisitorToken(), userAgent: null, language: "en", origin });
    const sent = await sendVisitorMessage(domain, visitor, { clientId: randomUUID(), body: `${name}: ${body}`, attachmentIds: [], origin });
    return sent.message.conversationId;
  }

  /** The conversation id of the focused list row, or null when focus is elsewhere. */
  const focusedRow = (page: Page) => page.evaluate(`document.activeElement?.getAttribute("data-conversation-link") ?? null`) as Promise<string | null>;
  const hasFocus = (target: Locator) => target.evaluate((element) => element.matches(":focus"));

  it("opens the ? sheet, moves with j/k, opens with o, replies with r and resolves with e", async () => {
    const { t, browser } = stage;
    const first = await visitorWrites("Ada", "Where is my parcel?");
    const second = await visitorWrites("Bora", "Can I change my order?");
    const page = await addAgentAndSignIn(browser, t, "kerem", "717171");
    const rows = page.locator("[data-conversation-link]");
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(2);
    // Newest first: Bora's conversation, then Ada's.
    expect(await rows.evaluateAll((links) => links.map((l) => l.getAttribute("data-conversation-link")))).toEqual([second, first]);

    // `?` opens the sheet listing every shortcut; Escape closes it.
    await page.keyboard.press("?");
    const sheet = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await sheet.waitFor();
    for (const what of ["Next conversation", "Previous conversation", "Write a reply (Message)", "Resolve", "Assign to me", "Search", "Show this list"]) {
      expect(await sheet.getByText(what, { exact: true }).count(), what).toBe(1);
    }
    await page.keyboard.press("Escape");
    await sheet.waitFor({ state: "detached" });

    // j, j, k: first row, second row, back to the first.
    await page.keyboard.press("j");
    await expect.poll(() => focusedRow(page)).toBe(second);
    await page.keyboard.press("j");
    await expect.poll(() => focusedRow(page)).toBe(first);
    await page.keyboard.press("k");
    await expect.poll(() => focusedRow(page)).toBe(second);
    await page.keyboard.press("j");
    await page.keyboard.press("o");
    await page.waitForURL(`**/console/conversations/${first}`);

    // Opening puts the cursor in Message on a desktop; Escape leaves it, r comes back, and typing
    // there is not a shortcut (j is a letter of the reply).
    const message = page.getByRole("textbox", { name: "Message", exact: true });
    await expect.poll(() => hasFocus(message)).toBe(true);
    await page.keyboard.press("Escape");
    await expect.poll(() => hasFocus(message)).toBe(false);
    await page.keyboard.press("r");
    await expect.poll(() => hasFocus(message)).toBe(true);
    await page.keyboard.type("just a moment, j k");
    expect(await message.inputValue()).toBe("just a moment, j k");
    expect(page.url()).toContain(first);

    // Escape leaves the field; a then assigns the conversation to me, e resolves it.
    await page.keyboard.press("Escape");
    await expect.poll(() => hasFocus(message)).toBe(false);
    await page.keyboard.press("a");
    await page.getByText("Assigned to Agent kerem").first().waitFor({ timeout: 20_000 });
    await page.keyboard.press("e");
    await page.getByRole("button", { name: "Reopen" }).waitFor({ timeout: 20_000 });
    const stored = await t.deps.domain.db.selectFrom("conversations").select("status").where("id", "=", first).executeTakeFirstOrThrow();
    expect(stored.status).toBe("resolved");

    // n: note mode, with the cursor in Message; r goes back to replying.
    await page.keyboard.press("Escape");
    await page.keyboard.press("n");
    await expect.poll(() => page.getByRole("button", { name: "Add note" }).getAttribute("aria-pressed")).toBe("true");
    await expect.poll(() => hasFocus(message)).toBe(true);
    await page.keyboard.press("Escape");
    await page.keyboard.press("r");
    await expect.poll(() => page.getByRole("button", { name: "Add note" }).getAttribute("aria-pressed")).toBe("false");

    // / goes to Search without typing a slash into it.
    await page.keyboard.press("Escape");
    await page.keyboard.press("/");
    const search = page.getByRole("searchbox", { name: "Search" });
    await expect.poll(() => hasFocus(search)).toBe(true);
    expect(await search.inputValue()).toBe("");

    // g c goes to Calls, g i back to the inbox; a modifier makes a key the browser's again.
    await page.keyboard.press("Escape");
    await page.keyboard.press("g");
    await page.keyboard.press("c");
    await page.waitForURL("**/console/calls");
    await page.keyboard.press("Control+j");
    expect(page.url()).toMatch(/\/console\/calls$/);
    await page.keyboard.press("g");
    await page.keyboard.press("i");
    await page.waitForURL(/\/console\/?$/);

    // In Turkish the sheet speaks Turkish, with the same keys.
    await page.getByLabel("Language").selectOption("tr");
    await page.keyboard.press("Escape"); // out of the language list
    await page.keyboard.press("?");
    const turkish = page.getByRole("dialog", { name: "Klavye kısayolları" });
    await turkish.waitFor();
    expect(await turkish.getByText("Sonraki konuşma", { exact: true }).count()).toBe(1);
    expect(await turkish.getByText("Bana ata", { exact: true }).count()).toBe(1);
    await page.keyboard.press("Escape");
    await turkish.waitFor({ state: "detached" });
  }, 90_000);
});
