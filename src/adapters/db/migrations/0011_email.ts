import type { Kysely } from "kysely";

// E-mail to visitors: `email_notified_seq` is the last agent message already e-mailed (or judged
// not to need it), so each unseen reply goes out in one mail at most, whichever node sends it.
// Messages gain the `email` channel (`via` is free text, so no change is needed there).

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("conversations").addColumn("email_notified_seq", "integer", (c) => c.notNull().defaultTo(0)).execute();
  // Existing conversations start as already notified: an upgrade does not mail old replies.
  await db.updateTable("conversations").set((eb) => ({ email_notified_seq: eb.ref("last_seq") })).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("conversations").dropColumn("email_notified_seq").execute();
}
