import { type Kysely, SqliteAdapter, sql } from "kysely";

// SQLite's full-text indexes keep a deleted document's words in their segments until a merge
// happens to rewrite them, so an erased person's words could be read out of the file for a long
// time. FTS5's secure-delete option removes them from the index as the document is deleted.
// PostgreSQL keeps the words in the row itself (tsvector), which the delete removes.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
export async function up(db: Kysely<any>): Promise<void> {
  if (!(await isSqlite(db))) return;
  for (const table of ["search_fts", "visitor_fts"]) {
    await sql`insert into ${sql.raw(table)}(${sql.raw(table)}, rank) values ('secure-delete', 1)`.execute(db);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  if (!(await isSqlite(db))) return;
  for (const table of ["search_fts", "visitor_fts"]) {
    await sql`insert into ${sql.raw(table)}(${sql.raw(table)}, rank) values ('secure-delete', 0)`.execute(db);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: as above
const isSqlite = async (db: Kysely<any>) => db.getExecutor().adapter instanceof SqliteAdapter;
