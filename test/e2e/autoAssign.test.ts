import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentNamespaceOf } from "../../src/realtime/agentNamespace.ts";
import { connectedAgentIds } from "../../src/realtime/presence.ts";
import { addMember, setAutoAssign } from "../support/assignmentFixture.ts";
import { browserAvailable, launchChromium } from "../support/browser.ts";
import { openWidget, type Shop, signInConsole, startShop } from "../support/callPages.ts";
import { addAgent, startTestServer, type TestServer } from "../support/testApp.ts";

// Issue 9 §4 in real Chromium: two agents online in the console, automatic assignment on in the
// inbox; visitors start conversations one after another and they alternate between the two, each
// console showing its own under "Mine".
describe.runIf(browserAvailable())("automatic assignment between two agents", () => {
  let t: TestServer;
  let shop: Shop;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestServer({ env: { PRECHAT_FIELDS: "name:off,email:off,phone:off" } });
    shop = await startShop(t);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    shop?.close();
    await t?.close();
  });

  const assigneeOf = async (preview: string) => {
    const row = await t.deps.domain.db
      .selectFrom("conversations")
      .select("assignee_id")
      .where("last_message_preview", "=", preview)
      .executeTakeFirst();
    return row?.assignee_id ?? null;
  };

  async function agentOnline(username: string, chatId: string): Promise<{ id: string; name: string; page: Page }> {
    const agent = await addAgent(t.deps, username, { telegramChatId: chatId });
    await addMember(t.deps.domain.db, "default", agent.id);
    const page = await signInConsole(browser, t, username, chatId);
    // The console's socket is up (its status goes over it) before the agent touches the control.
    await expect.poll(async () => (await connectedAgentIds(agentNamespaceOf(t.app.io))).includes(agent.id), { timeout: 30_000 }).toBe(true);
    const statusOf = async () => (await t.deps.domain.db.selectFrom("agents").select("status").where("id", "=", agent.id).executeTakeFirst())?.status;
    // The agent says they are here with the top bar's Availability control (away first, so the choice is seen to count).
    await page.getByLabel("Availability", { exact: true }).selectOption({ label: "Away" });
    await expect.poll(statusOf, { timeout: 20_000 }).toBe("away");
    await page.getByLabel("Availability", { exact: true }).selectOption({ label: "Online" });
    await expect.poll(statusOf, { timeout: 20_000 }).toBe("online");
    await page.getByLabel("Filter by assignee").selectOption({ label: "Mine" });
    return { id: agent.id, name: agent.name, page };
  }

  it("gives new conversations to the two online agents in turn, each shown in its agent's console", async () => {
    await setAutoAssign(t.deps.domain.db, { auto: true, capacity: 10 });
    const ayse = await agentOnline("ayse", "7101");
    const bora = await agentOnline("bora", "7102");
    await expect
      .poll(async () => (await connectedAgentIds(agentNamespaceOf(t.app.io))).sort(), { timeout: 30_000 })
      .toEqual([ayse.id, bora.id].sort());

    const previews = ["Hello one", "Hello two", "Hello three", "Hello four"];
    const assignees: string[] = [];
    for (const text of previews) {
      const { frame } = await openWidget(browser, shop.url);
      await frame.getByLabel("Message").fill(text);
      await frame.getByRole("button", { name: "Send" }).click();
      await expect.poll(() => assigneeOf(text), { timeout: 30_000 }).not.toBeNull();
      assignees.push((await assigneeOf(text)) as string);
    }
    expect(new Set(assignees)).toEqual(new Set([ayse.id, bora.id]));
    expect(assignees[1]).not.toBe(assignees[0]);
    expect(assignees[2]).toBe(assignees[0]);
    expect(assignees[3]).toBe(assignees[1]);

    // Each console lists, under Mine, exactly the conversations it was given, marked as its own.
    for (const agent of [ayse, bora]) {
      const mine = previews.filter((_, i) => assignees[i] === agent.id);
      const others = previews.filter((_, i) => assignees[i] !== agent.id);
      for (const text of mine) {
        await expect.poll(() => agent.page.getByRole("link", { name: new RegExp(`${text}.*Assigned to ${agent.name}`) }).count(), { timeout: 20_000 }).toBe(1);
      }
      for (const text of others) expect(await agent.page.getByRole("link", { name: new RegExp(text) }).count()).toBe(0);
    }

    // The picture for the README: Ayşe's console, her conversations under Mine, the assign menu with the team's status.
    if (process.env.E2E_SCREENSHOTS) {
      const first = previews[assignees.indexOf(ayse.id)] as string;
      await ayse.page.getByRole("link", { name: new RegExp(first) }).click();
      await ayse.page.getByRole("button", { name: "Assign" }).click();
      await ayse.page.getByRole("button", { name: /Agent bora/ }).waitFor();
      await ayse.page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/console-assignment.png` });
    }
  }, 240_000);
});
