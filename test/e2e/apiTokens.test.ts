import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seriousViolations } from "../support/axe.ts";
import { browserAvailable, launchChromium } from "../support/browser.ts";
import { addAgent, codeFrom, PASSWORD, startTestServer, type TestServer } from "../support/testApp.ts";

// API tokens in real Chromium: an admin creates a token on the API tokens page, sees it once with a
// Copy button, the token works against /api/v1, then the admin revokes it and it stops working. And
// /api/docs renders under the site's CSP, offline (no request leaves the server's origin).
describe.runIf(browserAvailable())("API tokens and the API docs in the browser", () => {
  let t: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestServer();
    await addAgent(t.deps, "derya", { telegramChatId: "767676", admin: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function signIn(): Promise<Page> {
    const context = await browser.newContext({ locale: "en-US" });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: t.url });
    const page = await context.newPage();
    await page.goto(`${t.url}/console/`);
    await page.getByLabel("Username").fill("derya");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByLabel("Code").fill(codeFrom((await t.telegram.waitForSent((m) => String(m.chat_id) === "767676")).text));
    await page.getByRole("button", { name: "Verify" }).click();
    await page.getByText("Conversations").first().waitFor();
    return page;
  }

  const listConversations = (token: string) => fetch(`${t.url}/api/v1/conversations`, { headers: { authorization: `Bearer ${token}` } });

  it("creates a token shown once with Copy, which works until it is revoked", async () => {
    const page = await signIn();
    await page.getByRole("navigation").getByRole("link", { name: "API tokens" }).click();
    await page.getByRole("heading", { name: "API tokens" }).waitFor();
    await page.getByRole("button", { name: "New token" }).click();
    await page.getByLabel("Name").fill("CRM sync");
    await page.getByRole("checkbox", { name: "conversations:read" }).check();
    await page.getByRole("button", { name: "Create token" }).click();

    await page.getByRole("heading", { name: "Token “CRM sync” created" }).waitFor();
    const token = (await page.getByRole("status", { name: "Token", exact: true }).textContent()) ?? "";
    expect(token).toMatch(/^dst_/);
    await page.getByRole("button", { name: "Copy" }).click();
    await expect.poll(() => page.evaluate("navigator.clipboard.readText()")).toBe(token);
    expect(await seriousViolations(page)).toEqual([]);
    if (process.env.E2E_SCREENSHOTS) await page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/console-api-tokens.png` });

    expect((await listConversations(token)).status).toBe(200);
    await page.getByRole("button", { name: "Done" }).click();
    // Shown once: after Done the secret is nowhere on the page, only its last four characters.
    await expect.poll(() => page.content()).not.toContain(token);
    const item = page.getByRole("list", { name: "API tokens" }).getByRole("listitem").filter({ hasText: "CRM sync" });
    await item.getByText(`Ends with ${token.slice(-4)}`).waitFor();
    // Opened again, the page tells when the token was last used.
    await page.reload();
    await item.getByText(/Last used/).waitFor();

    await item.getByRole("button", { name: "Revoke" }).click();
    await item.getByRole("button", { name: "Revoke token" }).click();
    await page.getByText("Token “CRM sync” revoked.").waitFor();
    await item.getByText(/Revoked/).waitFor();
    expect((await listConversations(token)).status).toBe(401);
    await page.context().close();
  }, 60_000);

  it("renders /api/docs under the site's CSP without reaching anywhere else", async () => {
    const context = await browser.newContext({ locale: "en-US", colorScheme: "dark" });
    const page = await context.newPage();
    const problems: string[] = [];
    const elsewhere: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    page.on("request", (request) => {
      if (!request.url().startsWith(t.url)) elsewhere.push(request.url());
    });
    const response = await page.goto(`${t.url}/api/docs`);
    expect(response?.headers()["content-security-policy"]).toContain("default-src 'self'");
    await page.getByRole("heading", { level: 1, name: /destek REST API/ }).waitFor();
    await page.getByRole("heading", { name: "Conversations", exact: true }).waitFor();
    await page.getByRole("heading", { name: /POST \/api\/v1\/conversations\/\{id\}\/messages/ }).waitFor();
    // The stylesheet applied (operations are boxed), so the page is readable, not bare HTML.
    expect(await page.evaluate(`getComputedStyle(document.querySelector(".op")).borderTopStyle`)).toBe("solid");
    expect(await seriousViolations(page)).toEqual([]);
    if (process.env.E2E_SCREENSHOTS) await page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/api-docs.png` });
    expect(problems).toEqual([]);
    expect(elsewhere).toEqual([]);
    await context.close();
  });
});
