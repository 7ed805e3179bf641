import type { Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable } from "../support/browser.ts";
import { type CallStage, openWidget, signInConsole, startCallStage } from "../support/callPages.ts";
import { addAgent } from "../support/testApp.ts";

const ADMIN_CHAT = "7101";

/** Today's date in Istanbul (the inbox's default zone), as the holidays list takes it. */
const todayInIstanbul = () => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Istanbul" }).format(new Date());

// Issue 9 §5 in Chromium: an admin closes the inbox for today (a holiday) in the hours editor; the
// widget then says the team is outside business hours, offers no Call but `Request a call back`;
// the request lands on the console's `Call backs` page, live, and `Mark done` clears it.
describe.runIf(browserAvailable())("business hours and call-back requests", () => {
  let stage: CallStage;

  beforeAll(async () => {
    stage = await startCallStage();
    await addAgent(stage.t.deps, "hale", { admin: true, telegramChatId: ADMIN_CHAT });
  }, 60_000);
  afterAll(async () => {
    await stage?.close();
  });

  /** The page fits a 390 px phone: nothing wider than the screen. */
  const fitsPhone = async (page: Page) => {
    const desk = page.viewportSize();
    await page.setViewportSize({ width: 390, height: 800 });
    await expect.poll(() => page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    if (desk) await page.setViewportSize(desk);
  };

  const shot = async (target: Page, name: string) => {
    if (process.env.E2E_SCREENSHOTS) await target.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/${name}.png` });
  };

  it("closed by a holiday: away text, no Call, Request a call back; the console's Call backs page shows it until Mark done", async () => {
    const admin = await signInConsole(stage.browser, stage.t, "hale", ADMIN_CHAT);
    await admin.getByRole("link", { name: "Settings" }).click();
    await admin.getByRole("link", { name: "Business hours of the website" }).click();
    await admin.getByRole("heading", { name: "Business hours" }).first().waitFor();
    await admin.getByLabel("Business hours", { exact: true }).check();
    await admin.getByRole("button", { name: "Add holiday" }).click();
    await admin.getByLabel("Date 1").fill(todayInIstanbul());
    await admin.getByLabel("Name 1").fill("Bayram");
    await admin.getByRole("button", { name: "Save" }).click();
    await admin.getByText("Business hours saved.").waitFor();
    await admin.evaluate("document.querySelector('#main')?.scrollTo(0, 0)");
    await shot(admin, "console-business-hours");
    await fitsPhone(admin);

    // An agent is online (this console), but the inbox is closed today.
    const { page: visitor, frame } = await openWidget(stage.browser, stage.shop.url);
    await frame.getByText("outside business hours, back at").waitFor({ timeout: 30_000 });
    await frame.getByText("Away").first().waitFor();
    expect(await frame.getByRole("button", { name: "Call", exact: true }).count()).toBe(0);
    // The visitor writes first, so the request also lands on their conversation's timeline.
    await frame.getByLabel("Message").fill("Are you open today?");
    await frame.getByRole("button", { name: "Send" }).click();
    await expect.poll(async () => (await stage.t.deps.domain.db.selectFrom("conversations").select("id").execute()).length, { timeout: 15_000 }).toBe(1);
    await requestCallBack(frame);
    await shot(visitor, "widget-call-back");

    await admin.getByRole("link", { name: "Call backs" }).click();
    await admin.getByRole("heading", { name: "Call backs" }).waitFor();
    const item = admin.locator(".callback-item", { hasText: "+90 532 123 45 67" });
    await item.waitFor({ timeout: 30_000 });
    await item.getByText("after 14:00, please").waitFor();
    // The nav link counts the open request.
    await admin.getByRole("link", { name: /Call backs.*1 open call-back requests/ }).waitFor();
    await shot(admin, "console-callbacks");
    await fitsPhone(admin);

    await item.getByRole("link", { name: "Open conversation" }).click();
    await admin.getByText("Call back requested: +90 532 123 45 67 · after 14:00, please").waitFor({ timeout: 30_000 });
    await admin.getByRole("link", { name: /Call backs/ }).click();
    await item.getByRole("button", { name: "Mark done" }).click();
    await admin.getByText("No open call-back requests.").waitFor();
    await expect.poll(() => admin.getByRole("link", { name: /open call-back requests/ }).count()).toBe(0);
    const rows = await stage.t.deps.domain.db.selectFrom("callback_requests").select(["status", "phone"]).execute();
    expect(rows).toEqual([{ status: "done", phone: "+90 532 123 45 67" }]);
  });

  async function requestCallBack(frame: Frame): Promise<void> {
    await frame.getByRole("button", { name: "Request a call back" }).click();
    await frame.getByLabel("Phone").fill("+90 532 123 45 67");
    await frame.getByRole("textbox", { name: "Note" }).fill("after 14:00, please");
    await frame.getByRole("button", { name: "Send request" }).click();
    await frame.getByText("We'll call you back").waitFor();
  }
});
