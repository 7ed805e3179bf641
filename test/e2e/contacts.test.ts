import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { listAudit } from "../../src/adapters/db/repositories/audit.ts";
import { sendVisitorMessage } from "../../src/domain/chat/messages.ts";
import { identifyVisitor, updateVisitorProfile } from "../../src/domain/chat/visitors.ts";
import { seriousViolations } from "../support/axe.ts";
import { browserAvailable } from "../support/browser.ts";
import { newVisitorToken } from "../support/chatClients.ts";
import { stageForSuite } from "../support/suiteStage.ts";
import { startConsoleStage, addAgentAndSignIn } from "../support/callPages.ts";

// Contacts in real Chromium: an admin opens the contact from a conversation's visitor panel, adds
// a company with Save contact, merges the duplicate with the same e-mail (Merge, then Confirm merge,
// which names both people) and finds both conversations on the one contact, and on the Contacts list.
describe.runIf(browserAvailable())("contacts in the console", () => {
  const stage = stageForSuite(() => startConsoleStage());

  const consolePage = (username: string, chatId: string) => addAgentAndSignIn(stage.browser, stage.t, username, chatId, { admin: true, viewport: { width: 1280, height: 900 } });

  /** A visitor on a device of their own who leaves a name and e-mail and writes. */
  async function visitorWrites(profile: { name: string; email: string }, body: string) {
    const domain = stage.t.deps.domain;
    const origin = { address: "203.0.113.21" };
    const visitor = await identifyVisitor(domain, { token: newVisitorToken(), userAgent: null, language: "en", origin });
    await updateVisitorProfile(domain, visitor, profile);
    const { message } = await sendVisitorMessage(domain, { ...visitor, ...profile }, { clientId: randomUUID(), body, attachmentIds: [], origin });
    return message.conversationId;
  }

  it("opens a contact from a conversation, saves a company, merges the duplicate and shows both conversations", async () => {
    const { t } = stage;
    const onLaptop = await visitorWrites({ name: "Elif Demir", email: "elif@example.com" }, "My order 1001 has not arrived");
    const onPhone = await visitorWrites({ name: "Elif D.", email: "elif@example.com" }, "Writing from my phone about order 1001");

    const page = await consolePage("selin", "737373");
    await page.locator(`[data-conversation-link="${onLaptop}"]`).click({ timeout: 20_000 });
    // On a desk-wide screen the visitor panel stands beside the conversation.
    await page.getByRole("link", { name: "Open contact" }).click({ timeout: 20_000 });
    await page.getByRole("heading", { name: "Elif Demir", level: 1 }).waitFor({ timeout: 20_000 });

    await page.getByRole("textbox", { name: "Company" }).fill("Demir Tekstil");
    await page.getByRole("button", { name: "Save contact" }).click();
    await page.getByText("Contact saved.").waitFor({ timeout: 20_000 });

    // The duplicate with the same address, merged after a confirmation that names both.
    const duplicates = page.getByRole("region", { name: "Possible duplicates" });
    await duplicates.getByRole("link", { name: "Elif D." }).waitFor();
    await duplicates.getByRole("button", { name: "Merge" }).click();
    await duplicates.getByText("Merge Elif D. into Elif Demir?").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await duplicates.getByRole("button", { name: "Confirm merge" }).click();
    await page.getByText("Elif D. was merged into this contact.").waitFor({ timeout: 20_000 });
    expect(await duplicates.count()).toBe(0);

    const conversations = page.getByRole("list", { name: "Conversations" });
    await expect.poll(() => conversations.getByRole("listitem").count(), { timeout: 20_000 }).toBe(2);
    expect(await conversations.textContent()).toContain("Writing from my phone");
    expect(await page.getByRole("textbox", { name: "Company" }).inputValue()).toBe("Demir Tekstil");
    if (process.env.E2E_SCREENSHOTS) await page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/console-contact.png`, fullPage: true });

    const [merge] = await listAudit(t.deps.domain.db, { limit: 1, action: "contact.merge" });
    expect(merge?.actor_id).not.toBeNull();

    // The Contacts page: one Elif, with two conversations, found by the company saved above.
    await page.getByRole("link", { name: "Contacts", exact: true }).click();
    await page.getByRole("searchbox", { name: "Search contacts" }).fill("tekstil");
    const rows = page.getByRole("region", { name: "Contacts", exact: true }).getByRole("row");
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(2);
    expect(await rows.nth(1).textContent()).toMatch(/Elif Demir.*elif@example\.com.*Demir Tekstil.*2$/);
    await rows.nth(1).getByRole("link", { name: "Elif Demir" }).click();
    await expect.poll(() => conversations.getByRole("listitem").count(), { timeout: 20_000 }).toBe(2);
    expect(await page.locator(`a[href$="${onPhone}"]`).count()).toBe(1);

    // On a phone, in Turkish: the contact page fits the width and the tab bar still leads to Kişiler.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByLabel("Language").selectOption("tr");
    await page.getByRole("button", { name: "Kişiyi kaydet" }).waitFor();
    expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    await page.getByRole("link", { name: "Kişiler", exact: true }).click();
    await page.getByRole("searchbox", { name: "Kişilerde ara" }).waitFor();
    expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    if (process.env.E2E_SCREENSHOTS) await page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/console-contacts-phone.png` });
  }, 120_000);

  it("answers an access request with a zip and an erasure request after a confirmation naming the person", async () => {
    const { t } = stage;
    const conversationId = await visitorWrites({ name: "Murat Şahin", email: "murat@example.com" }, "Adresim Moda Caddesi 12");
    const page = await consolePage("derya", "747474");
    await page.locator(`[data-conversation-link="${conversationId}"]`).click({ timeout: 20_000 });
    await page.getByRole("link", { name: "Open contact" }).click({ timeout: 20_000 });
    await page.getByRole("heading", { name: "Murat Şahin", level: 1 }).waitFor({ timeout: 20_000 });

    const privacy = page.getByRole("region", { name: "Privacy requests" });
    const [download] = await Promise.all([page.waitForEvent("download", { timeout: 20_000 }), privacy.getByRole("button", { name: "Export data" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^contact-[\w-]+\.zip$/);
    const zip = await readFile((await download.path())!);
    // A zip (local file header) whose person.json entry is stored deflated; its name is plain.
    expect(zip.subarray(0, 4).toString("hex")).toBe("504b0304");
    expect(zip.includes(Buffer.from("person.json"))).toBe(true);
    const [exported] = await listAudit(t.deps.domain.db, { limit: 1, action: "contact.exported" });
    expect(exported?.actor_id).not.toBeNull();

    await privacy.getByRole("button", { name: "Erase contact" }).click();
    await privacy.getByText("Erase Murat Şahin for good?").waitFor();
    await privacy.getByRole("button", { name: "Erase for good" }).click();
    await page.getByText("Murat Şahin was erased: 1 messages, 0 files deleted.").waitFor({ timeout: 20_000 });
    await page.getByRole("searchbox", { name: "Search contacts" }).waitFor();
    expect(await t.deps.domain.db.selectFrom("visitors").select("id").where("email", "=", "murat@example.com").execute()).toEqual([]);
    expect(await t.deps.domain.db.selectFrom("messages").select("id").where("conversation_id", "=", conversationId).execute()).toEqual([]);
  }, 120_000);
});
