import type { Kysely } from "kysely";

// Canned replies: shared by the team (`scope_key` "shared") or personal (`scope_key` "agent:<id>").
// One unique index over (scope_key, shortcut) makes a shortcut unique per scope on both engines.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("canned_replies")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("scope_key", "text", (c) => c.notNull())
    .addColumn("owner_id", "text", (c) => c.references("agents.id").onDelete("cascade"))
    .addColumn("shortcut", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("created_by", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("canned_replies_scope_shortcut").on("canned_replies").columns(["scope_key", "shortcut"]).unique().execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("canned_replies").execute();
}
