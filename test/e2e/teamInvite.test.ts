import { Secret, TOTP } from "otpauth";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { seriousViolations } from "../support/axe.ts";
import { browserAvailable } from "../support/browser.ts";
import { startConsoleStage, addAgentAndSignIn } from "../support/callPages.ts";
import { stageForSuite } from "../support/suiteStage.ts";

const NEW_PASSWORD = "my own long passphrase";
const PHONE = { width: 390, height: 844 };

// Issue 9's "invite → first sign-in": an admin presses Invite agent and copies the link; the new agent
// opens it on a phone, chooses a password, enrols an authenticator, sees ten recovery codes and reaches
// the inbox; later they sign in with a recovery code instead of the authenticator.
describe.runIf(browserAvailable())("inviting an agent in Chromium", () => {
  const stage = stageForSuite(() => startConsoleStage());

  const totpNow = (secret: string) =>
    new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: "SHA1" }).generate({ timestamp: stage.t.clock.now() });

  async function inboxReached(page: Page) {
    await page.getByRole("link", { name: "Inbox" }).first().waitFor();
    await expect.poll(() => page.getByRole("link", { name: "Inbox" }).first().getAttribute("aria-current"), { timeout: 10_000 }).toBe("page");
  }

  it("invite → password → authenticator → ten recovery codes → inbox; then a recovery code signs in", async () => {
    const { t, browser } = stage;
    const admin = await addAgentAndSignIn(browser, t, "boss", "777001", { admin: true });
    await admin.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: t.url });

    await admin.getByRole("link", { name: "Team" }).click();
    await admin.getByRole("button", { name: "Invite agent" }).click();
    await admin.getByLabel("Name", { exact: true }).fill("Deniz Ak");
    await admin.getByLabel("Username", { exact: true }).fill("deniz");
    await admin.getByRole("button", { name: "Create invite link" }).click();
    const linkField = admin.getByLabel("Invite link for Deniz Ak");
    await linkField.waitFor();
    await admin.getByRole("button", { name: "Copy" }).click();
    await admin.getByRole("button", { name: "Copied" }).waitFor();
    const link = String(await admin.evaluate("navigator.clipboard.readText()"));
    expect(link).toBe((await linkField.textContent())?.trim());
    // The link is built on PUBLIC_URL (unset here, so localhost:3000): the test opens its path on the test server.
    expect(link).toMatch(/^http:\/\/localhost:3000\/console\/invite#[\w-]{40,}$/);
    const opened = `${t.url}${new URL(link).pathname}${new URL(link).hash}`;
    await expect.poll(() => admin.getByText("Invited", { exact: true }).count()).toBe(1);
    expect(await seriousViolations(admin)).toEqual([]);

    // The invitee, on a phone, in a browser of their own.
    const phone = await browser.newContext({ viewport: PHONE, locale: "en-US" });
    const invitee = await phone.newPage();
    await invitee.goto(opened);
    await invitee.getByText("Welcome, Deniz Ak. Your username is deniz.").waitFor();
    expect(await seriousViolations(invitee)).toEqual([]);
    await invitee.getByLabel("Password", { exact: true }).fill(NEW_PASSWORD);
    await invitee.getByLabel("Confirm password").fill(NEW_PASSWORD);
    await invitee.getByRole("button", { name: "Set password and continue" }).click();

    await invitee.getByRole("button", { name: /Authenticator app/ }).click();
    const setupKey = invitee.getByLabel("Setup key");
    await setupKey.waitFor();
    const secret = ((await setupKey.textContent()) ?? "").replace(/\s+/g, "");
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await invitee.getByLabel("Code").fill(totpNow(secret));
    await invitee.getByRole("button", { name: "Verify" }).click();

    const codesList = invitee.getByRole("list", { name: "Recovery codes" });
    await codesList.waitFor();
    const codes = (await codesList.getByRole("listitem").allTextContents()).map((c) => c.trim());
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    expect(await seriousViolations(invitee)).toEqual([]);
    // Nothing spills sideways on a phone.
    expect(Number(await invitee.evaluate("document.documentElement.scrollWidth"))).toBeLessThanOrEqual(PHONE.width);
    if (process.env.E2E_SCREENSHOTS) await invitee.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/console-recovery-codes.png` });
    await invitee.getByRole("button", { name: "I have saved them, continue" }).click();
    await inboxReached(invitee);
    expect(new URL(invitee.url()).hash).toBe("");

    // The used link now gives a clear page.
    const reused = await phone.newPage();
    await reused.goto(opened);
    await expect.poll(() => reused.getByRole("alert").textContent(), { timeout: 10_000 }).toMatch(/expired, was already used or was replaced/);
    await reused.close();
    await phone.close();

    // The admin sees Deniz active with an authenticator.
    await admin.reload();
    await admin.getByText("@deniz").waitFor();
    await expect.poll(() => admin.getByText("Invited", { exact: true }).count()).toBe(0);

    // Later, the phone is lost: a recovery code instead of the authenticator.
    const desk = await browser.newContext({ viewport: PHONE, locale: "en-US" });
    const again = await desk.newPage();
    await again.goto(`${t.url}/console/`);
    await again.getByLabel("Username").fill("deniz");
    await again.getByLabel("Password").fill(NEW_PASSWORD);
    await again.getByRole("button", { name: "Sign in" }).click();
    await again.getByRole("button", { name: "Use a recovery code" }).click();
    await again.getByLabel("Recovery code").fill(codes[3] ?? "");
    await again.getByRole("button", { name: "Verify" }).click();
    await again.getByText("You have 9 recovery codes left.").waitFor();
    await again.getByRole("button", { name: "Continue" }).click();
    await inboxReached(again);
    await desk.close();

    // Both show in the audit log.
    await admin.getByRole("link", { name: "Audit log" }).click();
    await admin.getByRole("region", { name: "Audit entries" }).waitFor();
    await expect.poll(() => admin.getByText("agent.invite_accepted", { exact: true }).count()).toBeGreaterThan(0);
    await expect.poll(() => admin.getByText("auth.recovery_code_used", { exact: true }).count()).toBeGreaterThan(0);
    expect(await seriousViolations(admin)).toEqual([]);

    // An admin on a phone: every tab fits, the Team page does not spill sideways, in Turkish too.
    await admin.setViewportSize(PHONE);
    await admin.getByRole("link", { name: "Team" }).click();
    await admin.getByRole("button", { name: "Invite agent" }).waitFor();
    expect(Number(await admin.evaluate("document.documentElement.scrollWidth"))).toBeLessThanOrEqual(PHONE.width);
    if (process.env.E2E_SCREENSHOTS) await admin.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/console-team-phone.png` });
    await admin.getByLabel(/Language|Dil/).first().selectOption("tr");
    await admin.getByRole("button", { name: "Temsilci davet et" }).waitFor();
    expect(Number(await admin.evaluate("document.documentElement.scrollWidth"))).toBeLessThanOrEqual(PHONE.width);
    // The bar lies within the screen; an admin has more tabs than fit, so it scrolls sideways inside
    // itself, and every tab, scrolled to, lies whole within the screen.
    const bar = await admin.locator("nav.sidenav").boundingBox();
    expect(bar && bar.x >= 0 && bar.x + bar.width <= PHONE.width).toBe(true);
    const tabs = admin.locator("nav.sidenav a");
    expect(await tabs.count()).toBeGreaterThanOrEqual(5);
    for (const tab of await tabs.all()) {
      await tab.scrollIntoViewIfNeeded();
      const box = await tab.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= PHONE.width, (await tab.textContent()) ?? "").toBe(true);
    }
    await admin.context().close();
  }, 120_000);
});
