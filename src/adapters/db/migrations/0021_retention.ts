import type { Kysely } from "kysely";

// Data retention (README, "Data retention"). An attachment past its retention keeps its row, marked
// deleted, so the message still says a file was there; and `job_runs` lets one node of many claim a
// periodic job's run (the retention job runs once per hour for the whole install, not once per node).

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("attachments").addColumn("deleted_at", "bigint").execute();
  await db.schema.createIndex("attachments_created").on("attachments").columns(["created_at"]).execute();
  await db.schema.createIndex("conversations_resolved").on("conversations").columns(["status", "resolved_at"]).execute();
  await db.schema
    .createTable("job_runs")
    .addColumn("name", "text", (c) => c.primaryKey())
    // The next run may start from this instant on.
    .addColumn("due_at", "bigint", (c) => c.notNull())
    // The node running it, until `lease_until` (null: nobody): a node that dies mid-run frees it.
    .addColumn("lease_owner", "text")
    .addColumn("lease_until", "bigint")
    .addColumn("last_started_at", "bigint")
    .addColumn("last_finished_at", "bigint")
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("job_runs").execute();
  await db.schema.dropIndex("conversations_resolved").execute();
  await db.schema.dropIndex("attachments_created").execute();
  await db.schema.alterTable("attachments").dropColumn("deleted_at").execute();
}
