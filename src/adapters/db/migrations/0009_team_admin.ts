import type { Kysely } from "kysely";

// Recovery codes: ten single-use codes per agent, stored only as keyed hashes. Invite and
// password-reset links reuse `one_time_tokens` (purposes "invite" and "password_reset").

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("recovery_codes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("agent_id", "text", (c) => c.notNull().references("agents.id").onDelete("cascade"))
    .addColumn("code_hash", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("used_at", "bigint")
    .execute();
  await db.schema.createIndex("recovery_codes_agent").on("recovery_codes").columns(["agent_id", "code_hash"]).execute();
  // The audit page pages by (at, id) and filters by action.
  await db.schema.createIndex("audit_log_action").on("audit_log").columns(["action", "at"]).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("audit_log_action").execute();
  await db.schema.dropTable("recovery_codes").execute();
}
