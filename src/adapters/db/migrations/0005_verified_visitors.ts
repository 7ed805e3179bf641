import type { Kysely } from "kysely";

// Signed-in users of the customer's site, verified by an HMAC of their id (domain/chat/identity.ts).
// `external_id` is that id: unique, so one user is one visitor. Each further device of that user
// keeps its own widget token, linked to the same visitor in `visitor_tokens`, so every device shows
// one history.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("visitors").addColumn("external_id", "text").execute();
  // Unique among non-null values on both engines: anonymous visitors (null) are unaffected.
  await db.schema.createIndex("visitors_external_id").on("visitors").column("external_id").unique().execute();
  await db.schema
    .createTable("visitor_tokens")
    .addColumn("token_hash", "text", (c) => c.primaryKey())
    .addColumn("visitor_id", "text", (c) => c.notNull().references("visitors.id").onDelete("cascade"))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("visitor_tokens_visitor").on("visitor_tokens").column("visitor_id").execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("visitor_tokens").execute();
  await db.schema.dropIndex("visitors_external_id").execute();
  await db.schema.alterTable("visitors").dropColumn("external_id").execute();
}
