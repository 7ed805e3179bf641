import { readdirSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { rememberBridgedMessage, replyFromTelegram } from "../../src/domain/chat/telegramBridge.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { startOutboxStage, type OutboxStage } from "../support/outboxStage.ts";
import { addAgent } from "../support/testApp.ts";

const AGENT_CHAT = "5321";

// The same Telegram reply delivered twice at once (a webhook redelivery reaching another node):
// one message, one attachment, and no orphan file left by the copy that lost.
describe.each(testDatabases())("a reply from Telegram delivered twice at once, on $name", (database: TestDatabase) => {
  let stage: OutboxStage;
  afterEach(async () => {
    await stage?.close();
  });

  it("stores one message and one file", async () => {
    stage = await startOutboxStage(database);
    await addAgent(stage.t.deps, "ayla", { telegramChatId: AGENT_CHAT });
    const { conversationId } = await stage.visitorSays("please send the invoice");
    await rememberBridgedMessage(stage.domain, AGENT_CHAT, 777, conversationId);
    const photo = await sharp({ create: { width: 6, height: 6, channels: 3, background: "#123456" } }).png().toBuffer();
    const reply = {
      chatId: AGENT_CHAT,
      fromUserId: AGENT_CHAT,
      telegramMessageId: 9001,
      replyToMessageId: 777,
      text: "here it is",
      file: { data: photo, fileName: "invoice.png", voice: false, truncated: false },
    };
    const [first, second] = await Promise.all([replyFromTelegram(stage.domain, reply), replyFromTelegram(stage.domain, reply)]);
    expect([first.duplicate, second.duplicate].sort()).toEqual([false, true]);
    const rows = await stage.domain.db.selectFrom("attachments").select(["message_id", "storage_key"]).where("uploaded_by", "like", "agent:%").execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.message_id).toBe(first.duplicate ? second.message.id : first.message.id);
    const stored = readdirSync(join(stage.t.deps.config.dataDir, "files", "attachments"));
    expect(stored.filter((name) => rows[0]!.storage_key.endsWith(name))).toHaveLength(1);
    expect(stored.filter((name) => !name.endsWith(".partial"))).toHaveLength(1);
  });
});
