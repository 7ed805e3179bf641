import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seriousViolations, seriousViolationsInFrame } from "../support/axe.ts";
import { browserAvailable } from "../support/browser.ts";
import { type CallStage, openWidget, signInConsole, startCallStage, startShop, visitorPage, widgetFrame } from "../support/callPages.ts";
import { addAgent } from "../support/testApp.ts";

const POLICY = "https://shop.example/privacy";

// In real Chromium: an admin gives the website a privacy policy link and asks for consent before
// the chat; a visitor sees the notice with the link, cannot send until `I agree to the privacy
// notice` is ticked, then chats; the consent (kind, version, time) shows on the contact page.
describe.runIf(browserAvailable())("the pre-chat privacy notice", () => {
  let stage: CallStage;

  beforeAll(async () => {
    stage = await startCallStage();
    await addAgent(stage.t.deps, "sevda", { telegramChatId: "767676", admin: true });
  }, 60_000);
  afterAll(async () => {
    await stage?.close();
  });

  it("asks the visitor to agree before the first message and shows the consent on the contact", async () => {
    // Before anything is configured the widget shows no notice and loads no chunk for it.
    const before = await openWidget(stage.browser, stage.shop.url);
    await before.frame.getByLabel("Message").fill("Merhaba");
    await before.frame.getByRole("button", { name: "Send" }).waitFor();
    expect(await before.frame.getByRole("button", { name: "Send" }).isEnabled()).toBe(true);
    expect(await before.frame.getByRole("checkbox", { name: "I agree to the privacy notice" }).count()).toBe(0);
    const loaded = (await before.frame.evaluate("performance.getEntriesByType('resource').map((e) => e.name)")) as string[];
    expect(loaded.some((url) => url.includes("/widget/assets/frame-"))).toBe(true);
    expect(loaded.filter((url) => url.includes("PrivacyNotice"))).toEqual([]);
    await before.page.context().close();

    const admin = await signInConsole(stage.browser, stage.t, "sevda", "767676");
    await admin.getByRole("link", { name: "Websites" }).click();
    await admin.getByRole("article", { name: "Website" }).getByRole("link", { name: "Open Website" }).click();
    await admin.getByRole("link", { name: "Widget look (colour, position, greeting)" }).click();
    await admin.getByRole("textbox", { name: "Privacy policy link" }).fill(POLICY);
    await admin.getByRole("checkbox", { name: "Ask for consent before the chat" }).check();
    await admin.getByRole("button", { name: "Save" }).click();
    await admin.getByText("Settings saved.").waitFor({ timeout: 15_000 });
    expect(await seriousViolations(admin)).toEqual([]);

    const { frame } = await openWidget(stage.browser, stage.shop.url);
    const policy = frame.getByRole("link", { name: "Privacy policy" });
    await policy.waitFor({ timeout: 15_000 });
    expect(await policy.getAttribute("href")).toBe(POLICY);
    expect(await policy.getAttribute("target")).toBe("_blank");
    expect(await policy.getAttribute("rel")).toMatch(/\bnoopener\b/);
    const agree = frame.getByRole("checkbox", { name: "I agree to the privacy notice" });
    expect(await agree.isChecked()).toBe(false);

    // Not ticked: Send stays off, Enter sends nothing.
    const text = frame.getByLabel("Message");
    await text.fill("Siparişim nerede? KVKK onaylı");
    const send = frame.getByRole("button", { name: "Send" });
    expect(await send.isDisabled()).toBe(true);
    await text.press("Enter");
    expect(await text.inputValue()).toBe("Siparişim nerede? KVKK onaylı");
    expect(await seriousViolationsInFrame(frame)).toEqual([]);

    await agree.check();
    await expect.poll(() => send.isEnabled()).toBe(true);
    if (process.env.E2E_SCREENSHOTS) await frame.page().screenshot({ path: `${process.env.E2E_SCREENSHOTS}/widget-privacy-notice.png` });
    await send.click();
    await frame.getByText("Siparişim nerede? KVKK onaylı").waitFor();
    // Sent: the notice has done its work and leaves the composer.
    await expect.poll(() => agree.count(), { timeout: 15_000 }).toBe(0);

    // The widget shows the message before the server has stored it (and the consent with it).
    const storedConsent = () => stage.t.deps.domain.db.selectFrom("consents").selectAll().executeTakeFirst();
    await expect.poll(storedConsent, { timeout: 15_000 }).toBeDefined();
    const consent = (await storedConsent())!;
    expect(consent).toMatchObject({ kind: "privacy_notice", inbox_id: "default", policy_url: POLICY });

    // The contact page lists it: kind, version and when. (The Inbox link may carry an unread count.)
    await admin.getByRole("link", { name: /^Inbox(?!es)/ }).click();
    await admin.locator("[data-conversation-link]").filter({ hasText: "Siparişim nerede? KVKK onaylı" }).click({ timeout: 20_000 });
    await admin.getByRole("link", { name: "Open contact" }).click({ timeout: 20_000 });
    const section = admin.getByRole("region", { name: "Consent" });
    const item = section.getByRole("listitem").filter({ hasText: "Privacy notice" });
    await item.waitFor({ timeout: 20_000 });
    expect(await item.textContent()).toContain(`version ${consent.version}`);
    expect(await item.locator("time").getAttribute("datetime")).toBe(new Date(Number(consent.created_at)).toISOString());
    expect(await item.getByRole("link", { name: "Privacy policy" }).getAttribute("href")).toBe(POLICY);
    expect(await seriousViolations(admin)).toEqual([]);

    // A new visitor of a Turkish page reads it in Turkish.
    const turkishShop = await startShop(stage.t, "tr");
    try {
      const page = await visitorPage(stage.browser, { locale: "tr-TR" });
      await page.goto(turkishShop.url);
      await page.getByRole("button", { name: "Sohbeti aç" }).click();
      const turkish = await widgetFrame(page);
      await turkish.getByRole("checkbox", { name: "Gizlilik bildirimini kabul ediyorum" }).waitFor({ timeout: 15_000 });
      expect(await turkish.getByRole("link", { name: "Gizlilik politikası" }).getAttribute("href")).toBe(POLICY);
      await turkish.getByRole("textbox", { name: "Mesaj", exact: true }).fill("Merhaba");
      expect(await turkish.getByRole("button", { name: "Gönder" }).isDisabled()).toBe(true);
      await page.context().close();
    } finally {
      turkishShop.close();
    }
  }, 180_000);
});
