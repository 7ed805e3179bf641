import { type Kysely, sql } from "kysely";

// Recording consent is stored with each call (which mode the caller agreed to, when, and which
// wording they saw), and the database itself keeps one live call per visitor and per agent: two
// tabs, a double click or an Accept pressed in Telegram and the console at once cannot make a second.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("calls").addColumn("consent_mode", "text").execute();
  await db.schema.alterTable("calls").addColumn("consent_at", "bigint").execute();
  await db.schema.alterTable("calls").addColumn("consent_version", "text").execute();

  // Calls left live twice by the old code (at most a stray one) end before the rule is set; the newest stays.
  for (const [column, statuses] of [
    ["visitor_id", ["queued", "active"]],
    ["agent_id", ["active"]],
  ] as const) {
    await db
      .updateTable("calls")
      .set({ status: "ended", ended_at: sql`created_at`, duration_ms: 0, end_reason: "superseded" })
      .where("status", "in", statuses)
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom("calls as newer")
            .select(sql`1`.as("one"))
            .whereRef(`newer.${column}`, "=", `calls.${column}`)
            .where("newer.status", "in", statuses)
            .where((eb) =>
              eb.or([eb("newer.created_at", ">", eb.ref("calls.created_at")), eb.and([eb("newer.created_at", "=", eb.ref("calls.created_at")), eb("newer.id", ">", eb.ref("calls.id"))])]),
            ),
        ),
      )
      .execute();
  }
  await db.schema
    .createIndex("calls_one_live_per_visitor")
    .on("calls")
    .column("visitor_id")
    .unique()
    .where(sql.ref("status"), "in", ["queued", "active"])
    .execute();
  await db.schema.createIndex("calls_one_live_per_agent").on("calls").column("agent_id").unique().where(sql.ref("status"), "=", "active").execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("calls_one_live_per_agent").execute();
  await db.schema.dropIndex("calls_one_live_per_visitor").execute();
  for (const column of ["consent_version", "consent_at", "consent_mode"]) await db.schema.alterTable("calls").dropColumn(column).execute();
}
