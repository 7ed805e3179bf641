import type { Frame, Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { browserAvailable } from "../support/browser.ts";
import { openWidget, pcState, startCallStage, addAgentAndSignIn } from "../support/callPages.ts";
import { stageForSuite } from "../support/suiteStage.ts";

// Issue 9 §8, the console on a 390 × 844 phone in real Chromium: no page scrolls sideways, inbox →
// conversation → back, a live call whose controls are icons named for what they do, minimised to
// one row that leaves the composer's Send in sight and uncovered; and on a desktop, the widget's
// Hang up stays in view during a video call.
const PHONE = { width: 390, height: 844 };
const shots = process.env.E2E_SCREENSHOTS;

/** Fails naming the page when anything makes the page wider than the phone (callers wait for its content first). */
async function fitsThePhone(page: Page, what: string): Promise<void> {
  const width = (await page.evaluate("document.scrollingElement.scrollWidth")) as number;
  expect(width, `${what} is ${width} px wide`).toBeLessThanOrEqual(PHONE.width);
}

/** True when the element's centre is inside the viewport and the element itself is what is there. */
async function inSightAndUncovered(target: Locator): Promise<boolean> {
  return target.evaluate((element) => {
    const box = element.getBoundingClientRect();
    const x = box.left + box.width / 2;
    const y = box.top + box.height / 2;
    const view = element.ownerDocument.defaultView;
    if (!view || x < 0 || y < 0 || x > view.innerWidth || y > view.innerHeight) return false;
    const found = element.ownerDocument.elementFromPoint(x, y);
    return found !== null && (found === element || element.contains(found));
  });
}

describe.runIf(browserAvailable())("the console on a phone", () => {
  const stage = stageForSuite(() => startCallStage());

  it("fits 390 px on every page, goes back from a conversation, and minimises a call clear of Send", async () => {
    const { t, browser, shop } = stage;
    // The sign-in page, on its own.
    const signIn = await (await browser.newContext({ viewport: PHONE, locale: "en-US" })).newPage();
    await signIn.goto(`${t.url}/console/`);
    await signIn.getByLabel("Username").waitFor();
    await fitsThePhone(signIn, "the sign-in page");
    await signIn.context().close();

    const agent = await addAgentAndSignIn(browser, t, "ayse", "737373", { admin: true, viewport: PHONE });
    await fitsThePhone(agent, "the empty inbox");

    // A visitor on a desktop writes; the agent opens the conversation from the list and goes back.
    const { frame } = await openWidget(browser, shop.url);
    await frame.getByRole("textbox", { name: "Message" }).fill("Hello from a desk");
    await frame.getByRole("button", { name: "Send" }).click();
    const row = agent.locator("[data-conversation-link]").first();
    await row.waitFor({ timeout: 20_000 });
    await fitsThePhone(agent, "the inbox");
    await row.click();
    const send = agent.getByRole("button", { name: "Send" });
    await send.waitFor();
    expect(await row.isVisible()).toBe(false); // one column at a time
    await fitsThePhone(agent, "the conversation");
    await agent.getByRole("button", { name: "Visitor details" }).click();
    await agent.getByRole("button", { name: "Close visitor details" }).waitFor();
    await fitsThePhone(agent, "the visitor details");
    await agent.getByRole("button", { name: "Close visitor details" }).click();
    await agent.getByRole("button", { name: "Back to conversations" }).click();
    await agent.waitForURL(/\/console\/?$/);
    await row.waitFor();
    expect(await send.count()).toBe(0);
    await row.click();
    await send.waitFor();

    // The visitor calls; the agent accepts with the keyboard shortcut (Shift+A), once out of Message.
    await frame.getByRole("button", { name: "Call", exact: true }).click();
    await agent.getByRole("button", { name: "Accept" }).waitFor({ timeout: 20_000 });
    await agent.getByRole("textbox", { name: "Message", exact: true }).press("Escape");
    await agent.keyboard.press("Shift+A");
    await expect.poll(() => pcState(agent), { timeout: 20_000 }).toBe("connected");
    await expect.poll(() => pcState(frame), { timeout: 20_000 }).toBe("connected");

    // Every in-call control is an icon named by its label, reachable by that name.
    for (const name of ["Mute", "Camera on", "Speaker off", "Intercom", "Share screen", "Hang up", "Minimise call"]) {
      const control = agent.getByRole("button", { name, exact: true });
      expect(await control.count(), name).toBe(1);
      expect((await control.textContent())?.trim(), `${name} shows an icon, not words`).toBe("");
      expect(await control.locator("svg").count(), name).toBe(1);
    }
    await agent.getByRole("button", { name: "Mute", exact: true }).click();
    await agent.getByRole("button", { name: "Unmute", exact: true }).click();
    await agent.getByRole("button", { name: "Camera on", exact: true }).click();
    await agent.getByRole("button", { name: "Camera off", exact: true }).waitFor();
    await fitsThePhone(agent, "the conversation during a call");
    // Expanded, the call docks above the conversation: Send is still there, not covered.
    await expect.poll(() => inSightAndUncovered(send)).toBe(true);

    // Minimised: one row; Mute and Hang up stay, and Send is in sight and uncovered.
    await agent.getByRole("button", { name: "Minimise call" }).click();
    await agent.getByRole("button", { name: "Expand call" }).waitFor();
    await expect.poll(() => agent.getByRole("button", { name: "Camera off", exact: true }).isVisible()).toBe(false);
    expect(await agent.getByRole("button", { name: "Mute", exact: true }).isVisible()).toBe(true);
    expect(await agent.getByRole("button", { name: "Hang up", exact: true }).isVisible()).toBe(true);
    await expect.poll(() => inSightAndUncovered(send)).toBe(true);
    await agent.getByRole("textbox", { name: "Message", exact: true }).fill("You are on a call with us");
    await send.click();
    await frame.getByText("You are on a call with us").waitFor({ timeout: 20_000 });
    if (shots) await agent.screenshot({ path: `${shots}/console-phone.png` });
    await agent.getByRole("button", { name: "Expand call" }).click();
    await agent.getByRole("button", { name: "Camera off", exact: true }).waitFor();

    // The visitor's desktop widget shows the agent's camera, and its Hang up is in view, uncovered.
    await frame.locator("section.call-video").waitFor({ timeout: 20_000 });
    const widgetHangUp = frame.getByRole("button", { name: "Hang up" });
    await expect.poll(() => inSightAndUncovered(widgetHangUp)).toBe(true);
    await expect.poll(() => widgetInPageViewport(frame, widgetHangUp)).toBe(true);

    await agent.getByRole("button", { name: "Hang up", exact: true }).click();
    await agent.getByRole("button", { name: "Hang up", exact: true }).waitFor({ state: "detached", timeout: 20_000 });

    // The other pages, through the tab bar (a conversation hides it: back to the list first).
    await agent.getByRole("button", { name: "Back to conversations" }).click();
    const call = await t.deps.domain.db.selectFrom("calls").select("id").orderBy("created_at", "desc").executeTakeFirstOrThrow();
    // Each page once its content is in (what loads after the heading can be what is too wide).
    const pages: Array<[string, string, string, (page: Page) => Locator]> = [
      ["Calls", "/console/calls", "the Calls page", (page) => page.getByRole("button", { name: "History" })],
      ["Canned replies", "/console/canned", "Canned replies", (page) => page.getByRole("button", { name: "New canned reply" })],
      ["Team", "/console/team", "Team", (page) => page.getByRole("button", { name: "Invite agent" })],
      ["Audit log", "/console/audit", "the audit log", (page) => page.getByRole("row").nth(1)],
      ["Access log", "/console/access-log", "the access log", (page) => page.getByRole("button", { name: "Export CSV" })],
      ["Webhooks", "/console/webhooks", "Webhooks", (page) => page.getByRole("button", { name: "New webhook" })],
      ["Settings", "/console/settings", "Settings", (page) => page.getByRole("heading", { name: "Two-step sign-in" })],
    ];
    for (const [link, path, what, content] of pages) {
      await agent.getByRole("navigation").getByRole("link", { name: new RegExp(`^${link}`) }).click();
      await agent.waitForURL(`**${path}`);
      await content(agent).waitFor({ timeout: 20_000 });
      await fitsThePhone(agent, what);
    }
    await agent.goto(`${t.url}/console/calls/history/${call.id}`);
    await agent.getByRole("heading", { level: 1 }).first().waitFor({ timeout: 20_000 });
    await fitsThePhone(agent, "a call's page");
    await agent.context().close();
    await frame.page().context().close();
  }, 180_000);
});

/** Whether the element, inside the widget's iframe, is inside the shop page's viewport too. */
async function widgetInPageViewport(frame: Frame, target: Locator): Promise<boolean> {
  const box = await target.boundingBox();
  const view = frame.page().viewportSize();
  if (!box || !view) return false;
  return box.x >= 0 && box.y >= 0 && box.x + box.width <= view.width && box.y + box.height <= view.height;
}
