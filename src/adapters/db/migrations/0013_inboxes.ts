import { type Kysely, sql } from "kysely";

// Inboxes: several websites in one install. Every existing conversation and call moves into the
// default inbox (the column default), and every existing agent becomes its member, so an upgrade
// changes nothing anyone sees. `inbox_id` carries no foreign key: SQLite cannot add a referencing
// column with a non-null default, and inboxes with conversations are never deleted (the domain refuses).
// `app_settings` holds the install-wide settings an admin changed in the console; a key absent
// there takes its value from the environment (first-boot defaults).

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("inboxes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("settings", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("inbox_members")
    .addColumn("inbox_id", "text", (c) => c.notNull().references("inboxes.id").onDelete("cascade"))
    .addColumn("agent_id", "text", (c) => c.notNull().references("agents.id").onDelete("cascade"))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("inbox_members_pk", ["inbox_id", "agent_id"])
    .execute();
  await db.schema.createIndex("inbox_members_agent").on("inbox_members").columns(["agent_id"]).execute();

  await db.schema.alterTable("conversations").addColumn("inbox_id", "text", (c) => c.notNull().defaultTo("default")).execute();
  await db.schema.createIndex("conversations_inbox").on("conversations").columns(["inbox_id", "last_message_at"]).execute();
  await db.schema.alterTable("calls").addColumn("inbox_id", "text", (c) => c.notNull().defaultTo("default")).execute();
  await db.schema.createIndex("calls_inbox").on("calls").columns(["inbox_id", "created_at"]).execute();

  await db.schema
    .createTable("app_settings")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("updated_by", "text")
    .execute();

  const now = Date.now();
  await db.insertInto("inboxes").values({ id: "default", name: "Website", settings: "{}", created_at: now, updated_at: now }).execute();
  await sql`insert into inbox_members (inbox_id, agent_id, created_at) select 'default', id, ${now} from agents`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("app_settings").execute();
  await db.schema.dropIndex("calls_inbox").execute();
  await db.schema.alterTable("calls").dropColumn("inbox_id").execute();
  await db.schema.dropIndex("conversations_inbox").execute();
  await db.schema.alterTable("conversations").dropColumn("inbox_id").execute();
  await db.schema.dropTable("inbox_members").execute();
  await db.schema.dropTable("inboxes").execute();
}
