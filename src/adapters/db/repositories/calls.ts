import type { Selectable } from "kysely";
import type { Db } from "../database.ts";
import type { CallsTable } from "../schema.ts";

export type CallRow = Selectable<CallsTable>;

export function insertCall(db: Db, row: CallRow): Promise<unknown> {
  return db.insertInto("calls").values(row).execute();
}

export function findCall(db: Db, id: string): Promise<CallRow | undefined> {
  return db.selectFrom("calls").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The visitor's call that is still waiting or live, if any. */
export function liveCallOf(db: Db, visitorId: string): Promise<CallRow | undefined> {
  return db.selectFrom("calls").selectAll().where("visitor_id", "=", visitorId).where("status", "in", ["queued", "active"]).executeTakeFirst();
}

/** Moves a call between states only from the expected one: the database decides races. */
export async function transitionCall(
  db: Db,
  id: string,
  from: CallRow["status"],
  changes: Partial<Omit<CallRow, "id">>,
): Promise<boolean> {
  const result = await db.updateTable("calls").set(changes).where("id", "=", id).where("status", "=", from).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export function queuedCalls(db: Db): Promise<CallRow[]> {
  return db.selectFrom("calls").selectAll().where("status", "=", "queued").orderBy("created_at").orderBy("id").execute();
}

/**
 * Counts one more call for `scope` on `day` unless that would pass `limit`, in one statement, so
 * concurrent callers on any number of nodes can never exceed it. Returns false when the limit is reached.
 */
export async function countCallIfUnder(db: Db, scope: string, day: string, limit: number): Promise<boolean> {
  if (limit <= 0) return false;
  const row = await db
    .insertInto("call_counters")
    .values({ scope, day, count: 1 })
    .onConflict((oc) =>
      oc
        .columns(["scope", "day"])
        .doUpdateSet((eb) => ({ count: eb("call_counters.count", "+", 1) }))
        .where("call_counters.count", "<", limit),
    )
    .returning("count")
    .executeTakeFirst();
  return row !== undefined;
}

/** Gives a counted call back (it was never answered). */
export function uncountCall(db: Db, scope: string, day: string): Promise<unknown> {
  return db
    .updateTable("call_counters")
    .set((eb) => ({ count: eb("count", "-", 1) }))
    .where("scope", "=", scope)
    .where("day", "=", day)
    .where("count", ">", 0)
    .execute();
}

export async function callCount(db: Db, scope: string, day: string): Promise<number> {
  const row = await db.selectFrom("call_counters").select("count").where("scope", "=", scope).where("day", "=", day).executeTakeFirst();
  return row?.count ?? 0;
}
