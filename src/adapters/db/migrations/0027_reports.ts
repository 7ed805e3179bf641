import { type Kysely, sql } from "kysely";

// Reports (domain/reports): the indexes their range queries need, and the history of agents'
// availability (status "online" with a console connected on any node), which online time is summed
// from: agents.status holds only the latest choice, and nothing kept when consoles came and went.
// - conversations.first_reply_at: when an agent first wrote (as Chatwoot's first_reply_created_at),
//   set with that message from now on and filled in here for the past. Looking it up per
//   conversation in messages took seconds for a year of 50,000 conversations (bench/reports.ts);
// - conversations_report: conversations started in a date range, with every column the reports
//   read, so each report query is an index-only range scan (per day, busiest hours, times, agents);
// - conversation_ratings_created: ratings given in a date range;
// - agent_availability: one row each time an agent became available or stopped being so.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("conversations").addColumn("first_reply_at", "bigint").execute();
  await sql`update conversations set first_reply_at = (select min(m.created_at) from messages m where m.conversation_id = conversations.id and m.author_type = 'agent')`.execute(db);
  await db.schema.createIndex("conversations_report").on("conversations").columns(["created_at", "inbox_id", "assignee_id", "status", "first_reply_at", "resolved_at"]).execute();
  await db.schema.createIndex("conversation_ratings_created").on("conversation_ratings").columns(["created_at"]).execute();
  await db.schema
    .createTable("agent_availability")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("agent_id", "text", (c) => c.notNull())
    .addColumn("available", "integer", (c) => c.notNull())
    .addColumn("at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("agent_availability_at").on("agent_availability").columns(["at", "agent_id"]).execute();
  await db.schema.createIndex("agent_availability_agent").on("agent_availability").columns(["agent_id", "at"]).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("agent_availability").execute();
  for (const index of ["conversation_ratings_created", "conversations_report"]) await db.schema.dropIndex(index).execute();
  await db.schema.alterTable("conversations").dropColumn("first_reply_at").execute();
}
