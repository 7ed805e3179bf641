import { sql } from "kysely";
import { searchDocument } from "../../../domain/search/fold.ts";
import type { Db } from "../database.ts";
import { compiledOnce } from "../compiledOnce.ts";

// Writes of the search index (reads are in search.ts). Each runs on the handle it is given, so a
// message is indexed in the transaction that stores it. The engines' own indexes (FTS5, tsvector)
// follow search_documents by trigger or generated column (migration 0010).

/** Indexes a message's text (again, after an edit); a message with no words leaves no row. */
// Once per chat message: compiled once (see compiledOnce.ts).
const indexMessageQuery = compiledOnce((db: Db, messageId: string, body: string, conversationId: string) =>
  db
    .insertInto("search_documents")
    .columns(["visitor_id", "conversation_id", "message_id", "body"])
    .expression((eb) =>
      eb
        .selectFrom("conversations")
        .select(["visitor_id", "id", sql.val(messageId).as("message_id"), sql.val(body).as("body")])
        .where("id", "=", conversationId),
    )
    .onConflict((oc) => oc.column("message_id").doUpdateSet({ body })),
);

export async function indexMessage(db: Db, message: { id: string; conversation_id: string; body: string }): Promise<void> {
  const body = searchDocument(message.body);
  if (!body) {
    await db.deleteFrom("search_documents").where("message_id", "=", message.id).execute();
    return;
  }
  await indexMessageQuery(db, message.id, body, message.conversation_id);
}

/** Re-indexes a visitor's name, e-mail, phone and company (the contact page's search reads this row too). */
export async function indexVisitor(
  db: Db,
  visitor: { id: string; name: string | null; email: string | null; phone: string | null; company?: string | null | undefined },
): Promise<void> {
  const body = searchDocument(visitor.name, visitor.email, visitor.phone, visitor.company);
  if (!body) {
    await db.deleteFrom("search_documents").where("visitor_id", "=", visitor.id).where("message_id", "is", null).execute();
    return;
  }
  // An upsert on the one profile row (a partial unique index), so two edits at once cannot collide.
  await db
    .insertInto("search_documents")
    .values({ visitor_id: visitor.id, conversation_id: null, message_id: null, body })
    .onConflict((oc) => oc.column("visitor_id").where("message_id", "is", null).doUpdateSet({ body }))
    .execute();
}

/** Runs `work` in a transaction, or in the caller's when `db` is one already. */
export function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}
