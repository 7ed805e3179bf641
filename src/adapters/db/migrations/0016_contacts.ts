import type { Kysely } from "kysely";

// Contacts: a visitor row is the person the console's contact page shows. Agents add a company and
// notes. Merging two contacts keeps the secondary row as a tombstone (`merged_into`, `merged_at`)
// instead of deleting it: outbox rows, audit entries and a widget still connected may name its id,
// and the tombstone says where that person went. The e-mail index finds possible duplicates.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("visitors").addColumn("company", "text").execute();
  await db.schema.alterTable("visitors").addColumn("notes", "text").execute();
  await db.schema.alterTable("visitors").addColumn("merged_into", "text").execute();
  await db.schema.alterTable("visitors").addColumn("merged_at", "bigint").execute();
  await db.schema.createIndex("visitors_email").on("visitors").column("email").execute();
  await db.schema.createIndex("visitors_last_seen").on("visitors").columns(["last_seen_at", "id"]).execute();
  // The rows folded into a contact, read by every contact page.
  await db.schema.createIndex("visitors_merged_into").on("visitors").column("merged_into").execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("visitors_merged_into").execute();
  await db.schema.dropIndex("visitors_last_seen").execute();
  await db.schema.dropIndex("visitors_email").execute();
  for (const column of ["merged_at", "merged_into", "notes", "company"]) await db.schema.alterTable("visitors").dropColumn(column).execute();
}
