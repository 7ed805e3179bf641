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
