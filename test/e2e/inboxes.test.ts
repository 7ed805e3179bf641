import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seriousViolations } from "../support/axe.ts";
import { browserAvailable } from "../support/browser.ts";
import { openWidget, signInConsole, startCallStage, type CallStage } from "../support/callPages.ts";
import { addAgent } from "../support/testApp.ts";

// In real Chromium: an admin creates a second inbox for another website, copies its snippet and
// chooses its members; a widget embedded with that snippet chats; the agent of the second inbox
// sees the conversation, and the agent of the default inbox never does.
describe.runIf(browserAvailable())("inboxes: several websites in one install", () => {
  let stage: CallStage;
  let secondSite: http.Server | undefined;

  beforeAll(async () => {
    stage = await startCallStage();
    await addAgent(stage.t.deps, "ipek", { telegramChatId: "717171", admin: true });
    await addAgent(stage.t.deps, "naz", { telegramChatId: "727272" });
    await addAgent(stage.t.deps, "oya", { telegramChatId: "737373" });
  }, 60_000);
  afterAll(async () => {
    secondSite?.close();
    await stage?.close();
  });

  /** A website of its own (another origin) that pastes `snippet`, pointed at this test server. */
  async function siteWith(snippet: string): Promise<string> {
    const tag = snippet.replace(stage.t.deps.domain.publicUrl, stage.t.url).replace("<script ", '<script data-language="en" ');
    secondSite = http.createServer((_req, res) => {
      res.setHeader("content-type", "text/html; charset=utf-8");
      res.end(`<!doctype html><html lang="en"><head><title>Second site</title></head><body><main><h1>Second site</h1></main>${tag}</body></html>`);
    });
    await new Promise<void>((resolve) => secondSite?.listen(0, "127.0.0.1", resolve));
    return `http://localhost:${(secondSite.address() as AddressInfo).port}/`;
  }

  async function saveMembers(admin: Page, checked: Record<string, boolean>) {
    for (const [name, on] of Object.entries(checked)) {
      const box = admin.getByRole("checkbox", { name: new RegExp(`^${name}\\b`) });
      await box.waitFor({ timeout: 15_000 });
      if ((await box.isChecked()) !== on) await box.click();
    }
    await admin.getByRole("button", { name: "Save members" }).click();
    await admin.getByRole("status").filter({ hasText: "Members saved." }).waitFor({ timeout: 15_000 });
  }

  it("creates an inbox, copies its snippet, and keeps its conversations to its members", async () => {
    const admin = await signInConsole(stage.browser, stage.t, "ipek", "717171");
    await admin.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: stage.t.url });
    await admin.getByRole("link", { name: "Websites" }).click();
    await admin.getByRole("heading", { name: "Websites", level: 1 }).waitFor();
    await admin.getByRole("textbox", { name: "Name" }).fill("Second site");
    await admin.getByRole("button", { name: "Create inbox" }).click();
    const card = admin.getByRole("article", { name: "Second site" });
    await card.waitFor({ timeout: 15_000 });
    expect(await seriousViolations(admin)).toEqual([]);
    if (process.env.E2E_SCREENSHOTS) await admin.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/console-inboxes.png` });

    // Its page: the snippet, copied with one button, and its members.
    await card.getByRole("link", { name: "Open Second site" }).click();
    await admin.getByRole("heading", { name: "Second site", level: 1 }).waitFor();
    await admin.getByRole("button", { name: "Copy" }).click();
    await admin.getByRole("status").filter({ hasText: "Copied" }).waitFor();
    const snippet = (await admin.evaluate("navigator.clipboard.readText()")) as string;
    expect(snippet).toMatch(new RegExp(`^<script src="${stage.t.deps.domain.publicUrl}/widget\\.js" data-inbox="[\\w-]+" async></script>$`));
    expect(await admin.locator("pre code").textContent()).toBe(snippet);
    await saveMembers(admin, { "Agent naz": true });
    expect(await seriousViolations(admin)).toEqual([]);
    if (process.env.E2E_SCREENSHOTS) {
      await admin.evaluate("window.scrollTo(0, 0); document.querySelector('main')?.scrollTo(0, 0)");
      await admin.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/console-inbox-detail.png`, fullPage: true });
    }

    // Naz answers only the second site: off the default inbox.
    await admin.getByRole("link", { name: "All inboxes" }).click();
    await admin.getByRole("article", { name: "Website" }).getByRole("link", { name: "Open Website" }).click();
    await admin.getByRole("heading", { name: "Website", level: 1 }).waitFor();
    await saveMembers(admin, { "Agent naz": false, "Agent oya": true });

    const naz = await signInConsole(stage.browser, stage.t, "naz", "727272");
    const oya = await signInConsole(stage.browser, stage.t, "oya", "737373");

    // A visitor on the second site writes: Naz sees it, and the admin sees which site it came from.
    const site = await siteWith(snippet);
    const second = await openWidget(stage.browser, site);
    await second.frame.getByLabel("Message").fill("Hello from the second site");
    await second.frame.getByRole("button", { name: "Send" }).click();
    await naz.getByText("Hello from the second site").first().waitFor({ timeout: 20_000 });
    await admin.getByRole("link", { name: /^Inbox(?!es)/ }).click();
    const adminRow = admin.locator("[data-conversation-link]").filter({ hasText: "Hello from the second site" });
    await adminRow.waitFor({ timeout: 20_000 });
    expect(await adminRow.getByText("Second site", { exact: true }).count()).toBe(1);

    // A visitor of the main site (today's snippet, no inbox named) writes after it: Oya hears that one,
    // and, events arriving in order, has not heard the second site's. After a reload neither is it listed.
    const main = await openWidget(stage.browser, stage.shop.url);
    await main.frame.getByLabel("Message").fill("Hello from the main site");
    await main.frame.getByRole("button", { name: "Send" }).click();
    await oya.getByText("Hello from the main site").first().waitFor({ timeout: 20_000 });
    expect(await oya.getByText("Hello from the second site").count()).toBe(0);
    await oya.reload();
    await oya.getByText("Hello from the main site").first().waitFor({ timeout: 20_000 });
    expect(await oya.getByText("Hello from the second site").count()).toBe(0);
    // Naz, for her part, never gets the main site's conversation.
    await naz.reload();
    await naz.getByText("Hello from the second site").first().waitFor({ timeout: 20_000 });
    expect(await naz.getByText("Hello from the main site").count()).toBe(0);

    // On a phone the Inboxes page and its snippets fit the width, and the tab bar still leads there.
    await admin.getByRole("link", { name: "Websites", exact: true }).click();
    await admin.getByRole("article", { name: "Second site" }).waitFor();
    await admin.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => admin.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    for (const pre of await admin.locator("pre").all()) expect(await pre.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    expect(await admin.getByRole("link", { name: "Websites", exact: true }).isVisible()).toBe(true);
  }, 240_000);
});
