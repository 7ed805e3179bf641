import type { Selectable } from "kysely";
import type { Db } from "../database.ts";
import type { CallbackRequestsTable } from "../schema.ts";

export type CallbackRow = Selectable<CallbackRequestsTable>;

export function insertCallback(db: Db, row: CallbackRow): Promise<unknown> {
  return db.insertInto("callback_requests").values(row).execute();
}

export function findCallback(db: Db, id: string): Promise<CallbackRow | undefined> {
  return db.selectFrom("callback_requests").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Open requests oldest first (who waited longest comes first); done ones newest first. `inboxIds`: only those inboxes'. */
export function listCallbacks(db: Db, status: CallbackRow["status"], limit: number, inboxIds?: readonly string[]): Promise<CallbackRow[]> {
  let query = db.selectFrom("callback_requests").selectAll().where("status", "=", status);
  if (inboxIds) query = query.where("inbox_id", "in", inboxIds);
  return query
    .orderBy("created_at", status === "open" ? "asc" : "desc")
    .orderBy("id")
    .limit(limit)
    .execute();
}

export async function countOpenCallbacks(db: Db, inboxIds?: readonly string[]): Promise<number> {
  let query = db
    .selectFrom("callback_requests")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where("status", "=", "open");
  if (inboxIds) query = query.where("inbox_id", "in", inboxIds);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function countRecentCallbacksOfVisitor(db: Db, visitorId: string, since: number): Promise<number> {
  const row = await db
    .selectFrom("callback_requests")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where("visitor_id", "=", visitorId)
    .where("created_at", ">=", since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Marks an open request done; false when it was already done (another agent was first). */
export async function markCallbackDone(db: Db, id: string, agentId: string, at: number): Promise<boolean> {
  const result = await db
    .updateTable("callback_requests")
    .set({ status: "done", done_at: at, done_by: agentId })
    .where("id", "=", id)
    .where("status", "=", "open")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
