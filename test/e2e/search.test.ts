import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { sendAgentMessage, sendVisitorMessage } from "../../src/domain/chat/messages.ts";
import { identifyVisitor, updateVisitorProfile } from "../../src/domain/chat/visitors.ts";
import { browserAvailable } from "../support/browser.ts";
import { newVisitorToken } from "../support/chatClients.ts";
import { addAgent } from "../support/testApp.ts";
import { stageForSuite } from "../support/suiteStage.ts";
import { startConsoleStage, addAgentAndSignIn } from "../support/callPages.ts";

// The console's Search box in real Chromium: a Turkish query finds its dotted-İ spelling, the hit is
// highlighted in the list, and opening it loads back to the old message found and shows it.
describe.runIf(browserAvailable())("searching the inbox from the console", () => {
  const stage = stageForSuite(() => startConsoleStage());

  const consolePage = (username: string, chatId: string) => addAgentAndSignIn(stage.browser, stage.t, username, chatId);

  it("finds İSTANBUL for istanbul, marks it, and opens the conversation at that message", async () => {
    const { t } = stage;
    const domain = t.deps.domain;
    const origin = { address: "203.0.113.9" };
    const visitor = await identifyVisitor(domain, { token: newVisitorToken(), userAgent: null, language: "tr", origin });
    await updateVisitorProfile(domain, visitor, { name: "Işıl Öztürk" });
    const send = (body: string) => sendVisitorMessage(domain, visitor, { clientId: randomUUID(), body, attachmentIds: [], origin });
    const first = await send("Merhaba");
    await send("İSTANBUL şubenize <b>nasıl</b> gelirim?");
    // Enough later replies that the hit is not among the latest page the console opens with.
    await addAgent(t.deps, "filler");
    const filler = (await findAgentByUsername(domain.db, "filler"))!;
    for (let i = 0; i < 110; i++) {
      await sendAgentMessage(domain, filler, { clientId: randomUUID(), body: `Yanıt ${i}`, attachmentIds: [], conversationId: first.message.conversationId, via: "console" });
    }
    const other = await identifyVisitor(domain, { token: newVisitorToken(), userAgent: null, language: "en", origin });
    await sendVisitorMessage(domain, other, { clientId: randomUUID(), body: "Do you ship to Ankara?", attachmentIds: [], origin });

    const page = await consolePage("melis", "626262");
    await expect.poll(() => page.locator("[data-conversation-link]").count(), { timeout: 20_000 }).toBe(2);
    await page.getByRole("searchbox", { name: "Search" }).fill("istanbul");

    const hit = page.locator(`[data-conversation-link="${first.message.conversationId}"]`);
    await expect.poll(() => page.locator("[data-conversation-link]").count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => hit.locator("mark").allTextContents(), { timeout: 20_000 }).toEqual(["İSTANBUL"]);
    // The visitor's markup is text, never HTML.
    expect(await hit.locator(".search-snippet").textContent()).toContain("<b>nasıl</b>");
    expect(await hit.locator(".search-snippet b").count()).toBe(0);

    await hit.click();
    const found = page.locator('[data-message-seq="2"]');
    await found.waitFor({ timeout: 20_000 });
    await expect.poll(() => found.getAttribute("aria-current"), { timeout: 20_000 }).toBe("true");
    // Scrolled to it: the message is inside the visible part of the history.
    await expect
      .poll(
        () =>
          found.evaluate((element) => {
            const scroller = element.closest(".message-scroll");
            if (!scroller) return false;
            const a = element.getBoundingClientRect();
            const b = scroller.getBoundingClientRect();
            return a.bottom > b.top && a.top < b.bottom;
          }),
        { timeout: 20_000 },
      )
      .toBe(true);
    if (process.env.E2E_SCREENSHOTS) await page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/console-search.png` });

    // A prefix as the agent types, and the visitor's name with Turkish letters typed plainly.
    await page.getByRole("searchbox", { name: "Search" }).fill("ozt");
    await expect.poll(() => hit.locator("mark").allTextContents(), { timeout: 20_000 }).toEqual(["Öztürk"]);
  });
});
