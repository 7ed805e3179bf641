import type { Kysely } from "kysely";

// Labels on conversations. A label's name is unique ignoring case (Turkish I/ı/İ/i alike): the
// domain stores that folded form in `name_key`, and a unique index over it decides on both engines,
// even when two admins save at once. `conversation_labels` is the set per conversation; deleting a
// label or a conversation takes its rows along. The inbox list filters by label through
// (label_id, conversation_id), and the "all statuses" tab walks conversations by activity alone.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("labels")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("name_key", "text", (c) => c.notNull())
    .addColumn("colour", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("labels_name_key").on("labels").column("name_key").unique().execute();

  await db.schema
    .createTable("conversation_labels")
    .addColumn("conversation_id", "text", (c) => c.notNull().references("conversations.id").onDelete("cascade"))
    .addColumn("label_id", "text", (c) => c.notNull().references("labels.id").onDelete("cascade"))
    .addColumn("added_by", "text")
    .addColumn("added_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("conversation_labels_pk", ["conversation_id", "label_id"])
    .execute();
  await db.schema.createIndex("conversation_labels_label").on("conversation_labels").columns(["label_id", "conversation_id"]).execute();

  await db.schema.createIndex("conversations_activity").on("conversations").columns(["last_message_at", "id"]).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("conversations_activity").execute();
  await db.schema.dropTable("conversation_labels").execute();
  await db.schema.dropTable("labels").execute();
}
