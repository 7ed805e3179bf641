import { sql } from "kysely";
import { searchDocument } from "../../../domain/search/fold.ts";
import type { Db } from "../database.ts";
import { compiledOnce } from "../compiledOnce.ts";

// Writes of the search index (reads are in search.ts). Each runs on the handle it is given. A new
// message is not indexed in the transaction that stores it: that transaction notes it in
// search_backlog, and `indexNotedMessages` indexes the noted ones a batch at a time (migration 0028
// says why). A visitor's profile is still indexed with its change. The engines' own indexes (FTS5,
// tsvector) follow search_documents by trigger or generated column (migration 0010).

// Once per message, in the indexer's batches: compiled once (see compiledOnce.ts).
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

/** Indexes a message's text (again, when it is indexed twice); a message with no words leaves no row. */
async function indexMessage(db: Db, message: { id: string; conversation_id: string; body: string }): Promise<void> {
  const body = searchDocument(message.body);
  if (!body) {
    await db.deleteFrom("search_documents").where("message_id", "=", message.id).execute();
    return;
  }
  await indexMessageQuery(db, message.id, body, message.conversation_id);
}

// Once per chat message: compiled once (see compiledOnce.ts).
const noteMessageQuery = compiledOnce((db: Db, messageId: string) => db.insertInto("search_backlog").values({ message_id: messageId }));

/** Notes a stored message for indexing; run in the transaction that stores it, so the note commits with it. */
export async function noteMessageForIndex(db: Db, messageId: string): Promise<void> {
  await noteMessageQuery(db, messageId);
}

/** How many noted messages one transaction indexes: a few milliseconds of work on SQLite. */
export const INDEX_BATCH = 200;

/**
 * Indexes up to `limit` noted messages, oldest note first, in one transaction, and returns how many
 * notes it took. A note whose message is gone (erased before it was indexed) is just dropped. Two
 * nodes may take the same notes at once: the index is an upsert, written in message-id order so two
 * such transactions wait for each other instead of deadlocking.
 */
export async function indexNotedMessages(db: Db, limit = INDEX_BATCH): Promise<number> {
  const notes = await db.selectFrom("search_backlog").select(["id", "message_id"]).orderBy("id").limit(limit).execute();
  if (!notes.length) return 0;
  await db.transaction().execute(async (trx) => {
    const messages = await trx
      .selectFrom("messages")
      .select(["id", "conversation_id", "body"])
      .where("id", "in", notes.map((note) => note.message_id))
      .orderBy("id")
      .execute();
    for (const message of messages) await indexMessage(trx, message);
    await trx
      .deleteFrom("search_backlog")
      .where("id", "in", notes.map((note) => note.id))
      .execute();
  });
  return notes.length;
}

/** Indexes every message noted so far: a search calls this first, so it finds what was just sent. */
export async function indexAllNotedMessages(db: Db): Promise<void> {
  let taken = INDEX_BATCH;
  while (taken === INDEX_BATCH) taken = await indexNotedMessages(db);
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
