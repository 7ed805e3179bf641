import { type Kysely, SqliteAdapter } from "kysely";

// Messages are indexed for search in batches, after they are acknowledged (issue 12): a message's
// transaction only notes its id here, and the indexer (searchIndex.ts) moves the noted messages into
// search_documents a batch at a time. On SQLite each commit that touched FTS5 wrote a new index
// segment for one message (about a quarter of a chat message's time); a batch writes one for all.
// The note commits with the message, so a crash loses no indexing: the next run picks it up.
// No foreign key: a message erased before it was indexed leaves a note that the indexer drops.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
export async function up(db: Kysely<any>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  await db.schema
    .createTable("search_backlog")
    .addColumn("id", sqlite ? "integer" : "bigserial", (c) => c.primaryKey())
    .addColumn("message_id", "text", (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("search_backlog").execute();
}
