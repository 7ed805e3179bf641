import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, launchChromium } from "../support/browser.ts";
import { openSqlite } from "../support/databases.ts";
import { addAgent, PASSWORD, startTestApp, type TestApp } from "../support/testApp.ts";

// No TELEGRAM_BOT_TOKEN: a new agent is not sent down a Telegram path that cannot work.
describe.runIf(browserAvailable())("second factor enrolment on a server without a Telegram bot", () => {
  let t: TestApp;
  let url: string;
  let dispose: () => Promise<void>;
  let browser: Browser;

  beforeAll(async () => {
    const db = await openSqlite();
    dispose = db.dispose;
    t = await startTestApp({ database: db });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await dispose?.();
  });

  it("shows Telegram disabled with the reason, and the authenticator app as the way on", async () => {
    await addAgent(t.deps, "nobot");
    const page = await (await browser.newContext({ locale: "en-US" })).newPage();
    await page.goto(`${url}/console/`);
    await page.getByLabel("Username").fill("nobot");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    const telegram = page.getByRole("button", { name: /^Telegram/ });
    await telegram.waitFor({ timeout: 15_000 });
    expect(await telegram.isDisabled()).toBe(true);
    expect(await telegram.textContent()).toContain("this server has no Telegram bot");
    const app = page.getByRole("button", { name: /^Authenticator app/ });
    expect(await app.isEnabled()).toBe(true);
    await app.click();
    await page.getByRole("heading", { name: "Set up your authenticator app" }).waitFor({ timeout: 15_000 });
  }, 60_000);

  it("starts over from the choice of second factor without an error on the sign-in page", async () => {
    await addAgent(t.deps, "restarter");
    const page = await (await browser.newContext({ locale: "en-US" })).newPage();
    await page.goto(`${url}/console/`);
    await page.getByLabel("Username").fill("restarter");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: /^Authenticator app/ }).waitFor({ timeout: 15_000 });
    await page.getByRole("button", { name: "Back to sign in" }).click();
    // The click's event once reached the flow as the reason to restart and showed as an unknown error.
    await page.getByRole("button", { name: "Sign in" }).waitFor({ timeout: 15_000 });
    expect(await page.getByRole("alert").count()).toBe(0);
  }, 60_000);
});
