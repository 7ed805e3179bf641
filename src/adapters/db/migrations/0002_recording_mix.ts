import type { Kysely } from "kysely";

// Which calls still need their recordings mixed into one file: the mixing job claims a call by
// moving this from null to "running", so with several nodes each call is mixed once. Calls that
// were not recorded have nothing to mix ("skipped"), so the job's index only holds the few left.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("calls").addColumn("mix_status", "text").execute();
  await db.updateTable("calls").set({ mix_status: "skipped" }).where("recording_mode", "=", "off").execute();
  await db.schema.createIndex("calls_mix").on("calls").columns(["mix_status", "ended_at"]).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("calls_mix").execute();
  await db.schema.alterTable("calls").dropColumn("mix_status").execute();
}
