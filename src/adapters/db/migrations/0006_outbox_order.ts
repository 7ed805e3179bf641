import type { Kysely } from "kysely";

// Telegram delivery in order and once: `chat_id` lets the due query hold back a chat's later rows
// while an earlier one waits for a retry; `parts_sent` records how many posts of a multi-part alert
// went out, so a retry resumes after them; `lease_owner` names the worker that leased the row, so
// it can renew the lease during a long upload and check it still holds it before each part.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("outbox").addColumn("chat_id", "text").execute();
  await db.schema.alterTable("outbox").addColumn("parts_sent", "integer", (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable("outbox").addColumn("lease_owner", "text").execute();
  // Rows still waiting get their chat from the payload, so an upgrade keeps their order too.
  const pending = await db.selectFrom("outbox").select(["id", "payload"]).where("status", "=", "pending").execute();
  for (const row of pending as Array<{ id: string; payload: string }>) {
    const chatId = chatOf(row.payload);
    if (chatId) await db.updateTable("outbox").set({ chat_id: chatId }).where("id", "=", row.id).execute();
  }
  await db.schema.createIndex("outbox_chat").on("outbox").columns(["chat_id", "status", "created_at"]).execute();
}

function chatOf(payload: string): string | undefined {
  try {
    const chatId = (JSON.parse(payload) as { chatId?: unknown }).chatId;
    return typeof chatId === "string" ? chatId : undefined;
  } catch {
    return undefined;
  }
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("outbox_chat").execute();
  for (const column of ["lease_owner", "parts_sent", "chat_id"]) await db.schema.alterTable("outbox").dropColumn(column).execute();
}
