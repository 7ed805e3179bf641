import type { Kysely } from "kysely";

// A side of a call can be recorded in several segments: a participant whose page reloaded (or whose
// recording connection broke) comes back with a new recorder leg, which is that side's next
// segment. The mixing job joins a side's segments into one file after the call (see recordings.ts).

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("recordings").addColumn("segment", "integer", (col) => col.notNull().defaultTo(0)).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("recordings").dropColumn("segment").execute();
}
