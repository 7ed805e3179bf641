import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seriousViolations } from "../support/axe.ts";
import { browserAvailable, launchChromium } from "../support/browser.ts";
import type { FakeTelegram } from "../support/fakeTelegram.ts";
import { addAgent, codeFrom, PASSWORD, startTestServer, type TestServer } from "../support/testApp.ts";

// The "done when" of the foundation: an agent signs in to /console with password + Telegram code.
describe.runIf(browserAvailable())("console sign-in in Chromium", () => {
  let t: TestServer;
  let telegram: FakeTelegram;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    t = await startTestServer();
    ({ telegram, url: base } = t);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  it("signs in with password and the code sent to Telegram, survives a reload, signs out", async () => {
    await addAgent(t.deps, "elif", { telegramChatId: "424242" });
    const page = await browser.newPage({ locale: "en-US" });
    const cspErrors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" && /Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    await page.goto(`${base}/console/`);
    await page.getByLabel("Username").waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByLabel("Username").fill("elif");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();

    const message = await telegram.waitForSent((m) => String(m.chat_id) === "424242");
    await page.getByLabel("Code").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel("Code").fill(codeFrom(message.text));
    await page.getByRole("button", { name: "Verify" }).click();
    await expect.poll(() => page.getByText("Agent elif").first().isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);

    // The refresh cookie restores the session after a reload; the access token lives in memory only.
    await page.reload();
    await expect.poll(() => page.getByText("Agent elif").first().isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await page.evaluate("JSON.stringify(localStorage)")).not.toMatch(/eyJ/);

    // Sign out lives in the account menu in the header.
    await page.getByRole("button", { name: /Agent elif/ }).first().click();
    await page.getByRole("menuitem", { name: /^Sign out$/ }).or(page.getByRole("button", { name: /^Sign out$/ })).first().click();
    await expect.poll(() => page.getByLabel("Username").isVisible(), { timeout: 10_000 }).toBe(true);
    expect(cspErrors).toEqual([]);
    await page.close();
  });

  it("shows a wrong code as an alert and keeps the form", async () => {
    await addAgent(t.deps, "mert", { telegramChatId: "434343" });
    const page = await browser.newPage({ locale: "en-US" });
    await page.goto(`${base}/console/`);
    await page.getByLabel("Username").fill("mert");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    const code = codeFrom((await telegram.waitForSent((m) => String(m.chat_id) === "434343")).text);
    await page.getByLabel("Code").fill(code === "000000" ? "111111" : "000000");
    await page.getByRole("button", { name: "Verify" }).click();
    await expect.poll(() => page.getByRole("alert").textContent(), { timeout: 10_000 }).toMatch(/\S/);
    expect(await page.getByLabel("Code").isVisible()).toBe(true);
    await page.close();
  });
});
