import type { Insertable, Selectable, Updateable } from "kysely";
import type { Db } from "../database.ts";
import type { CannedRepliesTable } from "../schema.ts";

export type CannedReplyRow = Selectable<CannedRepliesTable>;

export const SHARED_SCOPE = "shared";
export const personalScope = (agentId: string) => `agent:${agentId}`;

/** The shared replies and the agent's own, shortcut order. */
export function listVisibleCannedReplies(db: Db, agentId: string): Promise<CannedReplyRow[]> {
  return db
    .selectFrom("canned_replies")
    .selectAll()
    .where("scope_key", "in", [SHARED_SCOPE, personalScope(agentId)])
    .orderBy("shortcut")
    .orderBy("scope_key")
    .execute();
}

export function findCannedReply(db: Db, id: string): Promise<CannedReplyRow | undefined> {
  return db.selectFrom("canned_replies").selectAll().where("id", "=", id).executeTakeFirst();
}

export function findCannedReplyByShortcut(db: Db, scopeKey: string, shortcut: string): Promise<CannedReplyRow | undefined> {
  return db.selectFrom("canned_replies").selectAll().where("scope_key", "=", scopeKey).where("shortcut", "=", shortcut).executeTakeFirst();
}

export async function countCannedReplies(db: Db, scopeKey: string): Promise<number> {
  const row = await db.selectFrom("canned_replies").select((eb) => eb.fn.countAll<number>().as("n")).where("scope_key", "=", scopeKey).executeTakeFirst();
  return Number(row?.n ?? 0);
}

export function insertCannedReply(db: Db, row: Insertable<CannedRepliesTable>): Promise<unknown> {
  return db.insertInto("canned_replies").values(row).execute();
}

export function updateCannedReply(db: Db, id: string, changes: Updateable<CannedRepliesTable>): Promise<unknown> {
  return db.updateTable("canned_replies").set(changes).where("id", "=", id).execute();
}

export function deleteCannedReply(db: Db, id: string): Promise<unknown> {
  return db.deleteFrom("canned_replies").where("id", "=", id).execute();
}
