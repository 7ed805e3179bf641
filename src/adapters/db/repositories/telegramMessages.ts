import type { Db } from "../database.ts";

/** Remembers which conversation a message the bot posted belongs to, so replies route back. */
export function rememberTelegramMessage(db: Db, row: { chatId: string; messageId: number; conversationId: string; at: number }): Promise<unknown> {
  return db
    .insertInto("telegram_messages")
    .values({ chat_id: row.chatId, message_id: row.messageId, conversation_id: row.conversationId, call_id: null, created_at: row.at })
    .onConflict((oc) => oc.columns(["chat_id", "message_id"]).doNothing())
    .execute();
}

export async function conversationOfTelegramMessage(db: Db, chatId: string, messageId: number): Promise<string | undefined> {
  const row = await db
    .selectFrom("telegram_messages")
    .select("conversation_id")
    .where("chat_id", "=", chatId)
    .where("message_id", "=", messageId)
    .executeTakeFirst();
  return row?.conversation_id ?? undefined;
}

/** Remembers a call alert the bot posted, so it can be updated once someone takes or rejects the call. */
export function rememberCallAlert(db: Db, row: { chatId: string; messageId: number; callId: string; at: number }): Promise<unknown> {
  return db
    .insertInto("telegram_messages")
    .values({ chat_id: row.chatId, message_id: row.messageId, conversation_id: null, call_id: row.callId, created_at: row.at })
    .onConflict((oc) => oc.columns(["chat_id", "message_id"]).doNothing())
    .execute();
}

/** Every alert posted for a call, in every chat. */
export async function callAlertMessages(db: Db, callId: string): Promise<Array<{ chatId: string; messageId: number }>> {
  const rows = await db.selectFrom("telegram_messages").select(["chat_id", "message_id"]).where("call_id", "=", callId).execute();
  return rows.map((row) => ({ chatId: row.chat_id, messageId: Number(row.message_id) }));
}
