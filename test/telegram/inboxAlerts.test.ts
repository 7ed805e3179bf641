import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCall } from "../../src/domain/calls/callService.ts";
import { sendVisitorMessage } from "../../src/domain/chat/messages.ts";
import { openConversationsForTelegram, replyFromTelegram } from "../../src/domain/chat/telegramBridge.ts";
import { identifyVisitor } from "../../src/domain/chat/visitors.ts";
import { createInbox } from "../../src/domain/inboxes/inboxes.ts";
import { updateInbox } from "../../src/adapters/db/repositories/inboxes.ts";
import { newClientId, newVisitorToken } from "../support/chatClients.ts";
import { addAgent, startTestServer, type TestServer } from "../support/testApp.ts";

// Telegram alerts follow the inbox: a conversation or call of an inbox with its own Telegram chat is
// announced there, not in the install's team chat; an inbox without one uses TELEGRAM_ADMIN_CHAT_ID.
// The alerts are queued in the same transaction as the message (or call), so the outbox shows them exactly.

const TEAM_CHAT = "-1001111";
const SHOP_CHAT = "-1002222";

describe("Telegram alerts per inbox", () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ env: { TELEGRAM_ADMIN_CHAT_ID: TEAM_CHAT } });
  });
  afterAll(async () => {
    await t?.close();
  });

  const chatsOf = async (kind: string, key: string, id: string) => {
    const rows = await t.deps.domain.db.selectFrom("outbox").select(["payload", "chat_id"]).where("kind", "=", kind).execute();
    return rows.filter((r) => (JSON.parse(r.payload) as Record<string, unknown>)[key] === id).map((r) => r.chat_id);
  };
  const visitor = () => identifyVisitor(t.deps.domain, { token: newVisitorToken(), userAgent: null, language: "tr", origin: { address: "127.0.0.1" } });

  it("sends an inbox's conversations and calls to its own chat, and the default inbox's to the team chat", async () => {
    const shop = await createInbox(t.deps.domain, { type: "system" }, { name: "Shop" });
    await updateInbox(t.deps.domain.db, shop.id, { settings: JSON.stringify({ telegramChatId: SHOP_CHAT }) });
    const origin = { address: "127.0.0.1" };

    const shopVisitor = await visitor();
    const onShop = await sendVisitorMessage(t.deps.domain, shopVisitor, { clientId: newClientId(), body: "Dükkân", attachmentIds: [], origin, inboxId: shop.id });
    expect(await chatsOf("telegram.visitor_message", "messageId", onShop.message.id)).toEqual([SHOP_CHAT]);
    const onSite = await sendVisitorMessage(t.deps.domain, await visitor(), { clientId: newClientId(), body: "Site", attachmentIds: [], origin });
    expect(await chatsOf("telegram.visitor_message", "messageId", onSite.message.id)).toEqual([TEAM_CHAT]);

    const shopCall = await startCall(t.deps.domain, await visitor(), "audio", undefined, shop.id);
    expect(await chatsOf("telegram.call", "callId", shopCall.call.id)).toEqual([SHOP_CHAT]);
    const siteCall = await startCall(t.deps.domain, await visitor(), "audio");
    expect(await chatsOf("telegram.call", "callId", siteCall.call.id)).toEqual([TEAM_CHAT]);
  });

  it("lets an agent work from Telegram only on conversations of their own inboxes", async () => {
    const other = await createInbox(t.deps.domain, { type: "system" }, { name: "Other shop" });
    // Mert is linked to Telegram and a member of the default inbox only (new agents join it).
    const mert = await addAgent(t.deps, "mert", { telegramChatId: "4141" });
    const origin = { address: "127.0.0.1" };
    const elsewhere = await sendVisitorMessage(t.deps.domain, await visitor(), { clientId: newClientId(), body: "Öteki dükkân", attachmentIds: [], origin, inboxId: other.id });
    const own = await sendVisitorMessage(t.deps.domain, await visitor(), { clientId: newClientId(), body: "Bizim dükkân", attachmentIds: [], origin });
    // Bridged posts of both, in the team chat where Mert reads (the other inbox has no chat of its own).
    for (const [messageId, sent] of [[9001, elsewhere], [9002, own]] as const) {
      await t.deps.domain.db.insertInto("telegram_messages").values({ chat_id: TEAM_CHAT, message_id: messageId, conversation_id: sent.message.conversationId, call_id: null, created_at: Date.now() }).execute();
    }
    const reply = (replyToMessageId: number, telegramMessageId: number) =>
      replyFromTelegram(t.deps.domain, { chatId: TEAM_CHAT, fromUserId: "4141", telegramMessageId, replyToMessageId, text: "Merhaba" });
    await expect(reply(9001, 1)).rejects.toMatchObject({ id: "conversation_not_found" });
    await expect(reply(9002, 2)).resolves.toMatchObject({ message: { conversationId: own.message.conversationId } });
    const listed = (await openConversationsForTelegram(t.deps.domain, "4141", 50)).map((c) => c.conversationId);
    expect(listed).toContain(own.message.conversationId);
    expect(listed).not.toContain(elsewhere.message.conversationId);
    expect(mert.isAdmin).toBe(false);
  });
});
