import type { Kysely } from "kysely";

// The conversation timeline beside its messages: private notes and what happened to the
// conversation (assigned, resolved, reopened, rated), each with who did it. Notes live here, not in
// `messages`, so no visitor-facing query of messages (sync, receipts, e-mail, Telegram) can ever
// return one. Ratings: one row per conversation, replaced when the visitor rates again.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("conversation_events")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("conversation_id", "text", (c) => c.notNull().references("conversations.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("actor_type", "text", (c) => c.notNull())
    .addColumn("actor_id", "text")
    .addColumn("body", "text")
    .addColumn("data", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("conversation_events_conversation").on("conversation_events").columns(["conversation_id", "created_at"]).execute();

  await db.schema
    .createTable("conversation_ratings")
    .addColumn("conversation_id", "text", (c) => c.primaryKey().references("conversations.id").onDelete("cascade"))
    .addColumn("visitor_id", "text", (c) => c.notNull().references("visitors.id").onDelete("cascade"))
    .addColumn("score", "integer", (c) => c.notNull())
    .addColumn("comment", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("conversation_ratings_visitor").on("conversation_ratings").columns(["visitor_id", "updated_at"]).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("conversation_ratings").execute();
  await db.schema.dropTable("conversation_events").execute();
}
