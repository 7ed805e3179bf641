import type { Kysely } from "kysely";

// Which calls still need their recordings mixed into one file: the mixing job claims a call by
// moving this from null to "running", so with several nodes each call is mixed once.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("calls").addColumn("mix_status", "text").execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("calls").dropColumn("mix_status").execute();
}
