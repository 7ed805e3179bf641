import { type Kysely, SqliteAdapter, sql } from "kysely";
import { searchDocument } from "../../../domain/search/fold.ts";

// Full-text search over messages and visitors (domain/search/). Each searchable text gets one row in
// `search_documents` holding its folded words (domain/search/fold.ts explains the Turkish folding);
// the engine indexes that column: an FTS5 table kept in step by triggers on SQLite, a generated
// `tsvector` column with a GIN index on PostgreSQL. The repository writes the rows in the same
// transaction as the message or the visitor; deleting a message, visitor or conversation removes
// them by cascade. Existing rows are indexed here.

const BATCH = 1000;

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
export async function up(db: Kysely<any>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  await db.schema
    .createTable("search_documents")
    .addColumn("id", sqlite ? "integer" : "bigserial", (c) => c.primaryKey())
    .addColumn("visitor_id", "text", (c) => c.notNull().references("visitors.id").onDelete("cascade"))
    .addColumn("conversation_id", "text", (c) => c.references("conversations.id").onDelete("cascade"))
    .addColumn("message_id", "text", (c) => c.references("messages.id").onDelete("cascade"))
    .addColumn("body", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("search_documents_message").on("search_documents").column("message_id").unique().execute();
  await db.schema.createIndex("search_documents_conversation").on("search_documents").column("conversation_id").execute();
  // One row per visitor for the profile (name, e-mail, phone): the row without a message.
  await db.schema.createIndex("search_documents_visitor").on("search_documents").column("visitor_id").unique().where(sql.ref("message_id"), "is", null).execute();
  await db.schema.createIndex("search_documents_visitor_all").on("search_documents").column("visitor_id").execute();
  if (sqlite) {
    // External content: the words live once, in search_documents; FTS5 keeps only its index. Messages
    // and visitor profiles get an index each, so a common word in messages never slows the look at
    // profiles. Prefix indexes make "ista*" cheap as the user types.
    for (const [table, rows] of [["search_fts", "new.message_id is not null"], ["visitor_fts", "new.message_id is null"]] as const) {
      const oldRows = rows.replace("new.", "old.");
      await sql`create virtual table ${sql.raw(table)} using fts5(body, content='search_documents', content_rowid='id', tokenize='unicode61 remove_diacritics 0', prefix='2 3')`.execute(db);
      await sql`create trigger ${sql.raw(`${table}_ai`)} after insert on search_documents when ${sql.raw(rows)} begin
        insert into ${sql.raw(table)}(rowid, body) values (new.id, new.body); end`.execute(db);
      await sql`create trigger ${sql.raw(`${table}_ad`)} after delete on search_documents when ${sql.raw(oldRows)} begin
        insert into ${sql.raw(table)}(${sql.raw(table)}, rowid, body) values ('delete', old.id, old.body); end`.execute(db);
      await sql`create trigger ${sql.raw(`${table}_au`)} after update of body on search_documents when ${sql.raw(oldRows)} begin
        insert into ${sql.raw(table)}(${sql.raw(table)}, rowid, body) values ('delete', old.id, old.body);
        insert into ${sql.raw(table)}(rowid, body) values (new.id, new.body); end`.execute(db);
    }
  } else {
    await sql`alter table search_documents add column tsv tsvector generated always as (to_tsvector('simple'::regconfig, body)) stored`.execute(db);
    await sql`create index search_documents_tsv on search_documents using gin (tsv) where message_id is not null`.execute(db);
    await sql`create index search_documents_visitor_tsv on search_documents using gin (tsv) where message_id is null`.execute(db);
  }
  await backfill(db);
}

// biome-ignore lint/suspicious/noExplicitAny: as above
async function backfill(db: Kysely<any>): Promise<void> {
  // Oldest first, so a newer message gets a higher id (the newest hit of a conversation is its highest id).
  let after: { at: number; id: string } | undefined;
  for (;;) {
    let query = db
      .selectFrom("messages as m")
      .innerJoin("conversations as c", "c.id", "m.conversation_id")
      .select(["m.id", "m.body", "m.created_at", "m.conversation_id", "c.visitor_id"])
      .orderBy("m.created_at")
      .orderBy("m.id")
      .limit(BATCH);
    if (after) {
      const { at, id } = after;
      query = query.where((eb) => eb.or([eb("m.created_at", ">", at), eb.and([eb("m.created_at", "=", at), eb("m.id", ">", id)])]));
    }
    const rows: Array<{ id: string; body: string; created_at: number; conversation_id: string; visitor_id: string }> = await query.execute();
    const docs = rows
      .map((row) => ({ visitor_id: row.visitor_id, conversation_id: row.conversation_id, message_id: row.id, body: searchDocument(row.body) }))
      .filter((doc) => doc.body);
    if (docs.length) await db.insertInto("search_documents").values(docs).execute();
    const last = rows.at(-1);
    if (!last || rows.length < BATCH) break;
    after = { at: Number(last.created_at), id: last.id };
  }
  let afterVisitor = "";
  for (;;) {
    const rows: Array<{ id: string; name: string | null; email: string | null; phone: string | null }> = await db
      .selectFrom("visitors")
      .select(["id", "name", "email", "phone"])
      .where("id", ">", afterVisitor)
      .orderBy("id")
      .limit(BATCH)
      .execute();
    const docs = rows.map((row) => ({ visitor_id: row.id, conversation_id: null, message_id: null, body: searchDocument(row.name, row.email, row.phone) })).filter((doc) => doc.body);
    if (docs.length) await db.insertInto("search_documents").values(docs).execute();
    const last = rows.at(-1);
    if (!last || rows.length < BATCH) break;
    afterVisitor = last.id;
  }
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    await sql`drop table if exists search_fts`.execute(db);
    await sql`drop table if exists visitor_fts`.execute(db);
  }
  await db.schema.dropTable("search_documents").execute();
}
