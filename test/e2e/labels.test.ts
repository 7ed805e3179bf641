import { randomUUID } from "node:crypto";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { listLabels } from "../../src/adapters/db/repositories/labels.ts";
import { setConversationStatus } from "../../src/domain/chat/conversations.ts";
import { sendVisitorMessage } from "../../src/domain/chat/messages.ts";
import { identifyVisitor, updateVisitorProfile } from "../../src/domain/chat/visitors.ts";
import { setConversationLabel } from "../../src/domain/labels.ts";
import { seriousViolations } from "../support/axe.ts";
import { browserAvailable } from "../support/browser.ts";
import { startConsoleStage, addAgentAndSignIn } from "../support/callPages.ts";
import { newVisitorToken } from "../support/chatClients.ts";
import { stageForSuite } from "../support/suiteStage.ts";

// Labels in real Chromium: an admin creates a label on the Labels page, an agent puts it on a
// conversation from its Labels menu (the admin's console shows the chip at once), then filters the
// list by that label and by status and sees only the matching conversations; the filtered view's
// URL, opened again, shows the same list.
describe.runIf(browserAvailable())("labels and inbox filters in the console", () => {
  const stage = stageForSuite(() => startConsoleStage());

  /** A visitor named `name` who wrote `body`; returns the conversation id. */
  async function conversationOf(name: string, body: string): Promise<string> {
    const domain = stage.t.deps.domain;
    const origin = { address: "203.0.113.7" };
    const visitor = await identifyVisitor(domain, { token: newVisitorToken(), userAgent: null, language: "tr", origin });
    await updateVisitorProfile(domain, visitor, { name });
    const { message } = await sendVisitorMessage(domain, visitor, { clientId: randomUUID(), body, attachmentIds: [], origin });
    return message.conversationId;
  }

  const rowOf = (page: Page, id: string) => page.locator(`[data-conversation-link="${id}"]`);
  const listed = (page: Page) => page.locator("[data-conversation-link]").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-conversation-link")));

  it("an admin makes a label, an agent labels a conversation, and the list filters by label and status", async () => {
    const { t, browser } = stage;
    const ayla = await conversationOf("Ayla Demir", "Faturam iki kez kesildi");
    const bekir = await conversationOf("Bekir Şahin", "Kargom gelmedi");
    const cem = await conversationOf("Cem Işık", "Faturada hata var");
    await setConversationStatus(t.deps.domain, cem, "resolved");

    const admin = await addAgentAndSignIn(browser, t, "yonetici", "717171", { admin: true });
    await admin.getByRole("link", { name: "Labels" }).click();
    await admin.getByRole("heading", { name: "Labels", level: 1 }).waitFor();
    await admin.getByRole("button", { name: "New label" }).click();
    await admin.getByRole("textbox", { name: "Label name" }).fill("Fatura");
    await admin.getByLabel("Colour").fill("#eb5757");
    await admin.getByRole("button", { name: "Save" }).click();
    await admin.getByRole("list", { name: "Labels" }).getByText("Fatura", { exact: true }).waitFor({ timeout: 30_000 });
    expect(await seriousViolations(admin)).toEqual([]);
    if (process.env.E2E_SCREENSHOTS) {
      await admin.setViewportSize({ width: 1280, height: 720 });
      await admin.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/console-labels.png` });
    }
    const [fatura] = await listLabels(t.deps.domain.db);
    if (!fatura) throw new Error("the label was not stored");
    expect(fatura).toMatchObject({ name: "Fatura", colour: "#eb5757" });
    // Cem's (resolved) conversation wears it too, put on beside the page.
    const deniz = (await findAgentByUsername(t.deps.domain.db, "yonetici"))!;
    await setConversationLabel(t.deps.domain, { type: "agent", agentId: deniz.id, sessionId: "s", role: "admin" }, { conversationId: cem, labelId: fatura.id, on: true });
    await admin.getByRole("link", { name: "Inbox" }).click();
    await rowOf(admin, ayla).waitFor({ timeout: 30_000 });

    const agent = await addAgentAndSignIn(browser, t, "temsilci", "727272");
    // Labels are managed by admins: no Labels page for an agent.
    expect(await agent.getByRole("navigation").getByRole("link", { name: "Labels" }).count()).toBe(0);
    await rowOf(agent, ayla).click({ timeout: 30_000 });
    await agent.getByText("Faturam iki kez kesildi").first().waitFor({ timeout: 30_000 });
    await agent.getByRole("button", { name: "Labels" }).click();
    await agent.getByRole("checkbox", { name: "Fatura" }).check();
    const header = agent.locator(".conversation-header");
    await header.getByRole("list", { name: "Labels of this conversation" }).getByText("Fatura", { exact: true }).waitFor({ timeout: 30_000 });
    await agent.locator(".timeline-event", { hasText: "Labelled Fatura" }).first().waitFor({ timeout: 30_000 });
    expect(await agent.getByRole("checkbox", { name: "Fatura" }).isChecked()).toBe(true);
    expect(await seriousViolations(agent)).toEqual([]);
    if (process.env.E2E_SCREENSHOTS) await agent.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/console-labels-menu.png` });
    await agent.keyboard.press("Escape");
    // The admin's console shows the chip on Ayla's row without a reload.
    await rowOf(admin, ayla).locator(".label-chip", { hasText: "Fatura" }).waitFor({ timeout: 30_000 });

    await agent.getByRole("link", { name: "Inbox" }).click();
    await agent.getByLabel("Filter by label").selectOption({ label: "Fatura" });
    await expect.poll(() => listed(agent), { timeout: 30_000 }).toEqual([ayla]);
    expect(new URL(agent.url()).searchParams.get("label")).toBe(fatura.id);

    const statusFilter = agent.getByRole("group", { name: "Filter by status" });
    await statusFilter.getByRole("button", { name: /^All/ }).click();
    await expect.poll(async () => (await listed(agent)).sort(), { timeout: 30_000 }).toEqual([ayla, cem].sort());
    await statusFilter.getByRole("button", { name: /^Resolved/ }).click();
    await expect.poll(() => listed(agent), { timeout: 30_000 }).toEqual([cem]);
    expect(await rowOf(agent, bekir).count()).toBe(0);
    if (process.env.E2E_SCREENSHOTS) await agent.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/console-label-filter.png` });

    // The filtered view is in the URL: opened again (a bookmark), it lists the same.
    const bookmark = agent.url();
    expect(new URL(bookmark).searchParams.get("status")).toBe("resolved");
    await agent.goto(bookmark);
    await expect.poll(() => listed(agent), { timeout: 30_000 }).toEqual([cem]);
    expect(await agent.getByLabel("Filter by label").inputValue()).toBe(fatura.id);

    // The four status tabs and the filters fit the list column, on a desk and on a phone.
    const fits = () =>
      agent
        .locator(".status-tabs, .list-filter-row")
        .evaluateAll((elements) => elements.length === 2 && elements.every((element) => element.scrollWidth <= element.clientWidth + 1));
    expect(await fits()).toBe(true);
    await agent.setViewportSize({ width: 390, height: 844 });
    await expect.poll(fits).toBe(true);
    if (process.env.E2E_SCREENSHOTS) await agent.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/console-label-filter-phone.png` });
    await agent.setViewportSize({ width: 1280, height: 720 });

    // Any label again, open conversations assigned to anyone: Ayla and Bekir.
    await agent.getByLabel("Filter by label").selectOption({ label: "All labels" });
    await agent.getByRole("group", { name: "Filter by status" }).getByRole("button", { name: /^Open/ }).click();
    await expect.poll(async () => (await listed(agent)).sort(), { timeout: 30_000 }).toEqual([ayla, bekir].sort());

    // The admin's navigation, with Labels, keeps every label whole on a phone in Turkish.
    await admin.getByLabel("Language").selectOption("tr");
    await admin.getByRole("link", { name: "Etiketler" }).waitFor({ timeout: 30_000 });
    await admin.setViewportSize({ width: 390, height: 800 });
    // Cut off, outside its tab, or broken inside a word (more lines than words).
    const clipped = await admin.locator(".sidenav-label").evaluateAll((labels) =>
      labels
        .filter((label) => {
          const link = label.closest("a")?.getBoundingClientRect();
          const box = label.getBoundingClientRect();
          const range = label.ownerDocument.createRange();
          range.selectNodeContents(label);
          const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
          const words = (label.textContent ?? "").trim().split(/\s+/).length;
          return !link || label.scrollWidth > label.clientWidth + 1 || box.left < link.left - 1 || box.right > link.right + 1 || lines > words;
        })
        .map((label) => label.textContent),
    );
    expect(clipped).toEqual([]);
    if (process.env.E2E_SCREENSHOTS) await admin.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/console-admin-nav-phone-tr.png` });
  }, 180_000);
});
