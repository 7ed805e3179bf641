import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, launchChromium } from "../support/browser.ts";
import { signInConsole } from "../support/callPages.ts";
import { addAgent, startTestServer, type TestServer } from "../support/testApp.ts";

// Pages other than the inbox load as chunks when first opened (web/console/src/ui/lazyPage.tsx).
describe.runIf(browserAvailable())("console pages loaded on demand", () => {
  let t: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestServer();
    browser = await launchChromium();
    await addAgent(t.deps, "deniz", { telegramChatId: "616161", admin: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("loads a page's chunk on first visit, and offers Reload when the chunk cannot be fetched", async () => {
    // The service worker fetches the chunks on the page's behalf, past Playwright's routes.
    const page = await signInConsole(browser, t, "deniz", "616161", { serviceWorkers: "block" });
    const chunks: string[] = [];
    page.on("request", (request) => {
      if (/\/console\/assets\/.+\.js$/.test(request.url())) chunks.push(request.url());
    });
    // The Team page's chunk is fetched only now, and the page works.
    await page.getByRole("link", { name: "Team" }).click();
    await page.getByRole("button", { name: "Invite agent" }).waitFor({ timeout: 20_000 });
    expect(chunks.some((url) => /\/TeamPage-[\w-]+\.js$/.test(url))).toBe(true);

    // A chunk that is gone (destek was updated since the tab opened) gives an alert with Reload.
    await page.route(/\/console\/assets\/AuditLogPage-[\w-]+\.js$/, (route) => route.fulfill({ status: 404, body: "gone" }));
    await page.getByRole("link", { name: "Audit log" }).click();
    const alert = page.getByRole("alert").filter({ hasText: "This page could not be loaded" });
    await alert.waitFor({ timeout: 20_000 });
    await page.unroute(/\/console\/assets\/AuditLogPage-[\w-]+\.js$/);
    await alert.getByRole("button", { name: "Reload" }).click();
    await page.getByRole("heading", { name: "Audit log" }).waitFor({ timeout: 20_000 });
  }, 120_000);
});
