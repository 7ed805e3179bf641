import type { Kysely } from "kysely";

// Consent records of the pre-chat privacy notice: who (visitor) agreed to which notice version of
// which inbox (website), with the policy link shown and when. One row per visitor, inbox, kind and
// version, so a resent first message records nothing twice and a new notice version asks again.
// Personal data: a visitor's rows go with them (erase deletes them, and the foreign key cascades).
// The recording consent of a call stays on the call (calls.consent_*); `kind` leaves room for more.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("consents")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("visitor_id", "text", (c) => c.notNull().references("visitors.id").onDelete("cascade"))
    .addColumn("inbox_id", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("version", "text", (c) => c.notNull())
    .addColumn("policy_url", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("consents_once").on("consents").columns(["visitor_id", "inbox_id", "kind", "version"]).unique().execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("consents").execute();
}
