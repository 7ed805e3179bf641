import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable } from "../support/browser.ts";
import { type CallStage, openWidget, type Shop, signInConsole, startCallStage } from "../support/callPages.ts";
import { addAgent, type TestServer } from "../support/testApp.ts";

// The team's daily limit is one call: the first is answered and ended, the next Call press gets the
// polite refusal in the widget and leaves no call behind; the console shows the day's usage.
describe.runIf(browserAvailable())("the daily call limit in the widget and the console", () => {
  let stage: CallStage;
  let t: TestServer;
  let browser: Browser;
  let shop: Shop;

  beforeAll(async () => {
    stage = await startCallStage({ CALL_DAILY_LIMIT: "1" });
    ({ t, browser, shop } = stage);
  });
  afterAll(() => stage?.close());

  const calls = () => t.deps.domain.db.selectFrom("calls").selectAll().execute();

  it("refuses the call over the limit with the message, and counts it in the console", async () => {
    await addAgent(t.deps, "sibel", { telegramChatId: "737373" });
    const agent = await signInConsole(browser, t, "sibel", "737373");
    await agent.getByText("0 of 1 calls today").waitFor({ timeout: 10_000 });

    // The first call of the day: answered, then ended by the caller.
    const { frame } = await openWidget(browser, shop.url);
    await frame.getByRole("button", { name: "Call" }).click();
    await agent.getByRole("button", { name: "Accept" }).click({ timeout: 20_000 });
    await frame.getByRole("button", { name: "Hang up" }).click({ timeout: 20_000 });
    await expect.poll(async () => (await calls()).map((c) => c.status), { timeout: 10_000 }).toEqual(["ended"]);
    await agent.getByText("1 of 1 calls today").waitFor({ timeout: 10_000 });

    // The next press: the polite message, and no call row.
    await frame.getByRole("button", { name: "Back to chat" }).click();
    await frame.getByRole("button", { name: "Call" }).click();
    await frame
      .getByRole("alert")
      .getByText("Our team has taken all the calls it can today. Please leave us a chat message and we will answer soon.")
      .waitFor({ timeout: 10_000 });
    expect(await calls()).toHaveLength(1);
    expect(await agent.getByRole("button", { name: "Accept" }).count()).toBe(0);
    await agent.getByText("1 of 1 calls today").waitFor();
  }, 120_000);
});
