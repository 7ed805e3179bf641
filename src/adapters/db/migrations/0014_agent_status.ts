import type { Kysely } from "kysely";

// Who answers: each agent's chosen status (online, away, offline) and what automatic assignment
// needs to be fair and to notice absence. Existing agents start "online", so an upgrade changes
// nothing: an agent with the console open is available, as before.
// - `last_auto_assigned_at`: round-robin, the member given a conversation longest ago goes first;
// - `unavailable_since`: when the assignment job first saw the agent away, offline or without a
//   console; after ASSIGNMENT_REQUEUE_S their open conversations go back to the queue;

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("agents").addColumn("status", "text", (c) => c.notNull().defaultTo("online")).execute();
  await db.schema.alterTable("agents").addColumn("status_changed_at", "bigint").execute();
  await db.schema.alterTable("agents").addColumn("last_auto_assigned_at", "bigint").execute();
  await db.schema.alterTable("agents").addColumn("unavailable_since", "bigint").execute();
  // The queue of conversations waiting for an agent, oldest first.
  await db.schema.createIndex("conversations_waiting").on("conversations").columns(["status", "assignee_id", "created_at"]).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("conversations_waiting").execute();
  for (const column of ["unavailable_since", "last_auto_assigned_at", "status_changed_at", "status"]) {
    await db.schema.alterTable("agents").dropColumn(column).execute();
  }
}
