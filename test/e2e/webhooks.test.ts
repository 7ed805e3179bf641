import { randomUUID } from "node:crypto";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWebhookJob, type WebhookJob } from "../../src/adapters/webhooks/webhookJob.ts";
import { sendVisitorMessage } from "../../src/domain/chat/messages.ts";
import { identifyVisitor, updateVisitorProfile } from "../../src/domain/chat/visitors.ts";
import { seriousViolations } from "../support/axe.ts";
import { browserAvailable, launchChromium } from "../support/browser.ts";
import { signInConsole } from "../support/callPages.ts";
import { newVisitorToken } from "../support/chatClients.ts";
import { addAgent, startTestServer, type TestServer } from "../support/testApp.ts";
import { WebhookReceiver } from "../support/webhookReceiver.ts";

// Webhooks in real Chromium: an admin creates a webhook on the Webhooks page, a visitor writes, the
// receiver (which checks the signature with the secret the page shows) gets the events, the
// delivery log shows them with their status code, and Redeliver sends one again.
describe.runIf(browserAvailable())("webhooks in the console", () => {
  let t: TestServer;
  let browser: Browser;
  let job: WebhookJob;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    t = await startTestServer({ env: { WEBHOOK_ALLOW_PRIVATE: "true" } });
    job = startWebhookJob(t.deps, { idleMs: 50, timeoutMs: 10_000 });
    receiver = await new WebhookReceiver().start();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await job?.stop();
    await receiver?.stop();
    await t.close();
  });

  it("an admin creates a webhook, sees its deliveries in the log and redelivers one", async () => {
    await addAgent(t.deps, "yonetici", { admin: true, telegramChatId: "818181" });
    const admin = await signInConsole(browser, t, "yonetici", "818181");
    await admin.getByRole("link", { name: "Webhooks" }).click();
    await admin.getByRole("heading", { name: "Webhooks", level: 1 }).waitFor();
    await admin.getByRole("button", { name: "New webhook" }).click();
    await admin.getByRole("textbox", { name: "URL" }).fill(receiver.url);
    // Every event is ticked for a new webhook; this one leaves out the calls.
    await admin.getByRole("checkbox", { name: "call.missed" }).uncheck();
    await admin.getByRole("checkbox", { name: "call.ended" }).uncheck();
    await admin.getByRole("button", { name: "Save" }).click();
    const list = admin.getByRole("list", { name: "Webhooks" });
    await list.getByRole("heading", { name: receiver.url }).waitFor({ timeout: 30_000 });
    await list.getByRole("button", { name: "Copy" }).waitFor();
    const secret = (await list.locator("output").textContent())?.trim() ?? "";
    expect(secret).toMatch(/^whsec_/);
    receiver.secret = secret;

    const origin = { address: "203.0.113.9" };
    const visitor = await identifyVisitor(t.deps.domain, { token: newVisitorToken(), userAgent: null, language: "tr", origin });
    await updateVisitorProfile(t.deps.domain, visitor, { name: "Ayla Demir" });
    await sendVisitorMessage(t.deps.domain, visitor, { clientId: randomUUID(), body: "Siparişim nerede?", attachmentIds: [], origin });
    await expect.poll(() => receiver.events(), { timeout: 15_000 }).toEqual(["conversation.created", "message.created"]);
    expect(receiver.received.every((r) => r.signatureValid)).toBe(true);

    await list.getByRole("button", { name: `Deliveries to ${receiver.url}` }).click();
    const log = admin.getByRole("region", { name: `Deliveries to ${receiver.url}` });
    await log.getByRole("row").filter({ hasText: "conversation.created" }).filter({ hasText: "200" }).waitFor({ timeout: 30_000 });
    const messageRow = log.getByRole("row").filter({ hasText: "message.created" });
    await messageRow.filter({ hasText: "Delivered" }).waitFor({ timeout: 30_000 });
    expect(await messageRow.textContent()).toContain("thanks");
    expect(await seriousViolations(admin)).toEqual([]);

    await messageRow.getByRole("button", { name: "Redeliver" }).click();
    await admin.getByText("Queued again: it goes out in a moment.").waitFor();
    await expect.poll(() => receiver.events(), { timeout: 15_000 }).toEqual(["conversation.created", "message.created", "message.created"]);
    const [, first, again] = [receiver.received[0], receiver.received[1], receiver.received[2]];
    expect(again?.payload.id).toBe(first?.payload.id);
    expect(again?.deliveryId).not.toBe(first?.deliveryId);
    expect(again?.signatureValid).toBe(true);
    // The log shows the redelivery as a row of its own once it is delivered.
    await expect
      .poll(async () => {
        await list.getByRole("button", { name: "Refresh" }).click();
        return log.getByRole("row").filter({ hasText: "message.created" }).filter({ hasText: "Delivered" }).count();
      }, { timeout: 30_000 })
      .toBe(2);
    if (process.env.E2E_SCREENSHOTS) {
      await admin.setViewportSize({ width: 1280, height: 900 });
      await admin.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/console-webhooks.png`, fullPage: true });
    }

    // On a phone the page, with its secret and open log, fits the screen's width (the log scrolls inside itself).
    await admin.setViewportSize({ width: 390, height: 844 });
    await admin.reload();
    await list.getByRole("button", { name: `Deliveries to ${receiver.url}` }).click();
    await log.getByRole("button", { name: "Redeliver" }).first().waitFor({ timeout: 30_000 });
    const width = (await admin.evaluate("document.scrollingElement.scrollWidth")) as number;
    expect(width, `the Webhooks page is ${width} px wide on a phone`).toBeLessThanOrEqual(390);

    // An agent has no Webhooks page.
    await addAgent(t.deps, "temsilci", { telegramChatId: "828282" });
    const agent = await signInConsole(browser, t, "temsilci", "828282");
    expect(await agent.getByRole("navigation").getByRole("link", { name: "Webhooks" }).count()).toBe(0);
  }, 120_000);
});
