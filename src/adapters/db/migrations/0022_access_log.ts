import type { Kysely } from "kysely";

// The access log: every play or download of a recording or attachment by an agent (who, what,
// when, from where). Rows hold ids and the agent's name at the time, never the visitor's data, so
// erasing a person leaves nothing of theirs here. No foreign keys: an entry outlives what it names.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("access_log")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("at", "bigint", (c) => c.notNull())
    .addColumn("agent_id", "text", (c) => c.notNull())
    .addColumn("agent_name", "text", (c) => c.notNull())
    .addColumn("session_id", "text", (c) => c.notNull())
    .addColumn("item_kind", "text", (c) => c.notNull())
    .addColumn("item_id", "text", (c) => c.notNull())
    .addColumn("call_id", "text")
    .addColumn("conversation_id", "text")
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("ip", "text")
    .addColumn("user_agent", "text")
    .execute();
  // The admin page pages by (at, id), as a whole or filtered by call, agent or conversation.
  await db.schema.createIndex("access_log_at").on("access_log").columns(["at", "id"]).execute();
  await db.schema.createIndex("access_log_call").on("access_log").columns(["call_id", "at"]).execute();
  await db.schema.createIndex("access_log_agent").on("access_log").columns(["agent_id", "at"]).execute();
  await db.schema.createIndex("access_log_conversation").on("access_log").columns(["conversation_id", "at"]).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("access_log").execute();
}
