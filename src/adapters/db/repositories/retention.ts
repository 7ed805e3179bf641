import { SqliteAdapter } from "kysely";
import type { Db } from "../database.ts";

// The retention job's queries (domain/privacy/retention.ts).

const isSqlite = (db: Db) => db.getExecutor().adapter instanceof SqliteAdapter;

/**
 * Conversations resolved before `before` that still hold something to remove (messages, notes, the
 * page or the preview), oldest first. An emptied shell no longer matches; one reopened and resolved
 * again matches again once its new messages are due.
 */
export async function dueConversations(db: Db, before: number, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom("conversations as c")
    .select("c.id")
    .where("c.status", "=", "resolved")
    .where("c.resolved_at", "<", before)
    .where((eb) =>
      eb.or([
        eb.exists(eb.selectFrom("messages as m").select("m.id").whereRef("m.conversation_id", "=", "c.id")),
        eb.exists(eb.selectFrom("conversation_events as e").select("e.id").whereRef("e.conversation_id", "=", "c.id").where("e.kind", "=", "note")),
        eb("c.last_message_preview", "is not", null),
        eb("c.page_url", "is not", null),
      ]),
    )
    .orderBy("c.resolved_at")
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Of `ids`, those still resolved before `before`, locked for the transaction on PostgreSQL: a visitor
 * who writes meanwhile reopens the conversation after the removal, or before it and keeps it.
 */
export async function lockStillDue(trx: Db, ids: string[], before: number): Promise<string[]> {
  let query = trx.selectFrom("conversations").select("id").where("id", "in", ids).where("status", "=", "resolved").where("resolved_at", "<", before);
  if (!isSqlite(trx)) query = query.forUpdate();
  return (await query.execute()).map((r) => r.id);
}
