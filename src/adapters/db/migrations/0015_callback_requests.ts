import type { Kysely } from "kysely";

// "Request a call back": a visitor outside business hours (or with nobody online) leaves a phone
// number instead of ringing nobody. Each request is a task in the console, open until an agent
// marks it done. conversation_id is null when the visitor had not written yet.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("callback_requests")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("visitor_id", "text", (c) => c.notNull().references("visitors.id").onDelete("cascade"))
    .addColumn("conversation_id", "text", (c) => c.references("conversations.id").onDelete("set null"))
    .addColumn("inbox_id", "text", (c) => c.notNull().defaultTo("default"))
    .addColumn("phone", "text", (c) => c.notNull())
    .addColumn("note", "text")
    .addColumn("status", "text", (c) => c.notNull().defaultTo("open"))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("done_at", "bigint")
    .addColumn("done_by", "text", (c) => c.references("agents.id").onDelete("set null"))
    .execute();
  await db.schema.createIndex("callback_requests_status").on("callback_requests").columns(["status", "created_at"]).execute();
  await db.schema.createIndex("callback_requests_visitor").on("callback_requests").columns(["visitor_id", "created_at"]).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("callback_requests").execute();
}
