import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findAgentByUsername } from "../../src/adapters/db/repositories/agents.ts";
import { startSession } from "../../src/domain/auth/sessions.ts";
import type { MessageView } from "../../src/protocol/chat.ts";
import { browserAvailable, launchChromium } from "../support/browser.ts";
import { type Shop, startShop, visitorPage as newVisitorPage, widgetFrame } from "../support/callPages.ts";
import { newClientId, openSocket, request } from "../support/chatClients.ts";
import { recipientOf, TestMailbox } from "../support/mailbox.ts";
import { addAgent, startTestServer, type TestServer } from "../support/testApp.ts";

const DELAY_S = 120;

// Issue 9, away hours: nobody online, so the widget offers no call and asks for an e-mail address;
// an agent answers later, the visitor never sees it, and the answer arrives by mail.
describe.runIf(browserAvailable())("away hours: e-mail capture and the e-mailed reply", () => {
  let t: TestServer;
  let browser: Browser;
  let shopServer: Shop;
  let shop: string;
  const mailbox = new TestMailbox();

  beforeAll(async () => {
    await mailbox.start();
    t = await startTestServer({
      env: { PRECHAT_FIELDS: "name:off,email:off,phone:off", SMTP_URL: mailbox.url, MAIL_FROM: "Destek <support@example.com>", OFFLINE_EMAIL_DELAY_S: String(DELAY_S) },
      jobs: true,
    });
    shopServer = await startShop(t);
    shop = shopServer.url;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    shopServer?.close();
    await t.close();
    await mailbox.stop();
  });

  const visitorPage = () => newVisitorPage(browser);

  it("asks for Email when the visitor writes while nobody is online, offers no call, mails the unseen reply, and the transcript on request", async () => {
    await addAgent(t.deps, "zeynep");
    const visitor = await visitorPage();
    await visitor.goto(shop);
    await visitor.getByRole("button", { name: "Open chat" }).click();
    const frame = await widgetFrame(visitor);
    await frame.getByText("Away").first().waitFor();
    await frame.getByLabel("Message").fill("Do you ship to Izmir?");
    await frame.getByRole("button", { name: "Send" }).click();

    await frame.getByLabel("Email").fill("visitor-away@example.net");
    await frame.getByRole("button", { name: "Save" }).click();
    await frame.getByText("We'll e-mail you.").waitFor();
    // Nobody could answer a call: none is offered (exact: `Request a call back` is offered instead).
    expect(await frame.getByRole("button", { name: "Call", exact: true }).count()).toBe(0);
    await expect.poll(async () => (await t.deps.domain.db.selectFrom("visitors").select("email").where("email", "=", "visitor-away@example.net").execute()).length).toBe(1);
    // The visitor leaves before anyone answers (their browser keeps the widget's storage).
    const context = visitor.context();
    await visitor.close();

    const agentRow = (await findAgentByUsername(t.deps.domain.db, "zeynep"))!;
    const agent = await openSocket(`${t.url}/agent`, { token: (await startSession(t.deps.domain, agentRow, { ip: null, userAgent: null })).accessToken });
    try {
      const conversation = await t.deps.domain.db
        .selectFrom("conversations")
        .innerJoin("visitors", "visitors.id", "conversations.visitor_id")
        .select("conversations.id")
        .where("visitors.email", "=", "visitor-away@example.net")
        .executeTakeFirstOrThrow();
      await request<{ message: MessageView }>(agent, "message:send", { conversationId: conversation.id, clientId: newClientId(), body: "Yes, in two days." });
      t.clock.advance((DELAY_S + 1) * 1000);
      const mail = await mailbox.waitFor((m) => recipientOf(m) === "visitor-away@example.net");
      expect(mail.text).toContain("Yes, in two days.");
      expect(mail.subject).toBe("New reply from Destek");

      // Resolved; the visitor comes back and asks for the transcript by mail.
      await request(agent, "conversation:status", { conversationId: conversation.id, status: "resolved" });
      const again = await context.newPage();
      await again.goto(shop);
      await again.getByRole("button", { name: "Open chat" }).click();
      const frameAgain = await widgetFrame(again);
      await frameAgain.getByRole("button", { name: "Email me the transcript" }).click();
      await frameAgain.getByText("Transcript sent.").waitFor();
      const transcript = await mailbox.waitFor((m) => recipientOf(m) === "visitor-away@example.net" && m.subject === "Your conversation with Destek");
      expect(transcript.text).toContain("Do you ship to Izmir?");
      expect(transcript.text).toContain("Yes, in two days.");
    } finally {
      agent.close();
    }
  }, 90_000);
});
