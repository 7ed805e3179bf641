import type { Selectable } from "kysely";
import type { Db } from "../database.ts";
import type { ConversationEventsTable, ConversationRatingsTable } from "../schema.ts";
import type { CallListRow } from "./calls.ts";

export type ConversationEventRow = Selectable<ConversationEventsTable>;
export type RatingRow = Selectable<ConversationRatingsTable>;

export function insertConversationEvent(db: Db, row: ConversationEventRow): Promise<unknown> {
  return db.insertInto("conversation_events").values(row).execute();
}

export function findConversationEvent(db: Db, id: string): Promise<ConversationEventRow | undefined> {
  return db.selectFrom("conversation_events").selectAll().where("id", "=", id).executeTakeFirst();
}

/** A conversation's notes and changes, oldest first (the console's timeline is never long enough to page). */
export function eventsOfConversation(db: Db, conversationId: string, limit = 2000): Promise<ConversationEventRow[]> {
  return db
    .selectFrom("conversation_events")
    .selectAll()
    .where("conversation_id", "=", conversationId)
    .orderBy("created_at")
    .orderBy("id")
    .limit(limit)
    .execute();
}

/** Stores the visitor's rating, replacing an earlier one of the same conversation. */
export async function upsertRating(db: Db, row: RatingRow): Promise<void> {
  await db
    .insertInto("conversation_ratings")
    .values(row)
    .onConflict((oc) => oc.column("conversation_id").doUpdateSet({ score: row.score, comment: row.comment, updated_at: row.updated_at }))
    .execute();
}

export function ratingOf(db: Db, conversationId: string): Promise<RatingRow | undefined> {
  return db.selectFrom("conversation_ratings").selectAll().where("conversation_id", "=", conversationId).executeTakeFirst();
}

/** A visitor's latest ratings, newest first (the details panel shows them beside the conversation). */
export function latestRatingsOfVisitor(db: Db, visitorId: string, limit = 5): Promise<RatingRow[]> {
  return db.selectFrom("conversation_ratings").selectAll().where("visitor_id", "=", visitorId).orderBy("updated_at", "desc").limit(limit).execute();
}

/**
 * The calls that belong in a conversation's timeline: those linked to it, and the visitor's unlinked
 * calls (placed before calls were linked) made while it was open.
 */
export function callsOfConversation(
  db: Db,
  conversation: { id: string; visitor_id: string; created_at: number; resolved_at: number | null },
  now: number,
): Promise<CallListRow[]> {
  return db
    .selectFrom("calls as c")
    .innerJoin("visitors as v", "v.id", "c.visitor_id")
    .leftJoin("agents as a", "a.id", "c.agent_id")
    .selectAll("c")
    .select(["v.name as visitor_name", "v.email as visitor_email", "a.name as agent_name"])
    .where((eb) =>
      eb.or([
        eb("c.conversation_id", "=", conversation.id),
        eb.and([
          eb("c.conversation_id", "is", null),
          eb("c.visitor_id", "=", conversation.visitor_id),
          eb("c.created_at", ">=", conversation.created_at),
          eb("c.created_at", "<=", conversation.resolved_at ?? now),
        ]),
      ]),
    )
    .orderBy("c.created_at")
    .limit(500)
    .execute();
}
