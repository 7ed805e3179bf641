import { afterEach, describe, expect, it } from "vitest";
import { sendVisitorMessage } from "../../src/domain/chat/messages.ts";
import { identifyVisitor } from "../../src/domain/chat/visitors.ts";
import { newClientId } from "../support/chatClients.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { type OutboxStage, startOutboxStage, TEAM_CHAT } from "../support/outboxStage.ts";

const LIMIT = 3;

// Past TELEGRAM_ALERT_FLOOD_PER_MINUTE new conversations a minute, the team chat gets one summary.
describe.each(testDatabases())("Telegram alert floods on $name", (database: TestDatabase) => {
  let stage: OutboxStage;
  afterEach(async () => {
    await stage?.close();
  });

  it("posts one summary instead of an alert per conversation, and holds back their follow-ups until the flood passes", async () => {
    stage = await startOutboxStage(database);
    const worker = stage.startWorker({ alertFloodPerMinute: LIMIT, maxBackoffMs: 5000 });
    const visitors = [];
    for (let i = 1; i <= 14; i++) visitors.push(await stage.visitorSays(`flood visitor ${i}`));
    const followUp = async (token: string, body: string) => {
      const visitor = await identifyVisitor(stage.domain, { token, userAgent: null, language: null, origin: { address: "127.0.0.1" } });
      const sent = await sendVisitorMessage(stage.domain, visitor, { clientId: newClientId(), body, attachmentIds: [], origin: { address: "127.0.0.1" } });
      return (await stage.rowsOf(sent.message.id))[0]!;
    };
    // Visitor 10 writes again while the flood lasts: held back too.
    const heldBack = await followUp(visitors[9]!.token, "follow-up during the flood");
    worker.kick();
    await stage.waitForRow(heldBack.id, "summarized");

    // The summary comes when the flooding minute is over, counting every conversation of it.
    stage.clock.advance(61_000);
    worker.kick();
    const summary = await stage.telegram.waitForSent((m) => String(m.chat_id) === TEAM_CHAT && /\/open/.test(String(m.text)));
    expect(summary.text).toMatch(/\b14\b/);

    // Once the flood has passed, the conversation's messages are posted again: this one is the marker.
    const after = await followUp(visitors[9]!.token, "follow-up after the flood");
    worker.kick();
    await stage.waitForRow(after.id, "sent");
    const posts = stage.postsIn(TEAM_CHAT);
    expect(posts.filter((p) => p.includes("flood visitor"))).toHaveLength(LIMIT);
    expect(posts.filter((p) => p.includes("/open"))).toHaveLength(1);
    expect(posts.join("\n")).not.toContain("follow-up during the flood");
    expect(posts.at(-1)).toContain("follow-up after the flood");
  });

  it("posts every alert while conversations stay under the limit", async () => {
    stage = await startOutboxStage(database);
    const worker = stage.startWorker({ alertFloodPerMinute: LIMIT });
    const last = [];
    for (let i = 1; i <= LIMIT; i++) last.push(await stage.visitorSays(`calm visitor ${i}`));
    worker.kick();
    for (const { messageId } of last) await stage.waitForRow((await stage.rowsOf(messageId))[0]!.id, "sent");
    expect(stage.postsIn(TEAM_CHAT).filter((p) => p.includes("calm visitor"))).toHaveLength(LIMIT);
  });
});
