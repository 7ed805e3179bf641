import type { Insertable, Selectable } from "kysely";
import type { Db } from "../database.ts";
import type { CallsTable, MixStatus } from "../schema.ts";

export type CallRow = Selectable<CallsTable>;

export function insertCall(db: Db, row: Insertable<CallsTable>): Promise<unknown> {
  return db.insertInto("calls").values(row).execute();
}

/**
 * Which one-live-call rule of the database an insert or update broke: a visitor's second waiting
 * or live call (index calls_one_live_per_visitor), or an agent's second live call
 * (calls_one_live_per_agent); null for any other error.
 */
export function liveCallConflict(error: unknown): "visitor" | "agent" | null {
  if (typeof error !== "object" || error === null) return null;
  const { code, constraint, message } = error as { code?: unknown; constraint?: unknown; message?: unknown };
  // PostgreSQL names the index; SQLite names the column ("UNIQUE constraint failed: calls.visitor_id").
  const where = code === "23505" ? String(constraint) : code === "SQLITE_CONSTRAINT_UNIQUE" ? String(message) : "";
  if (where.includes("calls_one_live_per_visitor") || where.includes("calls.visitor_id")) return "visitor";
  if (where.includes("calls_one_live_per_agent") || where.includes("calls.agent_id")) return "agent";
  return null;
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

/** Gives a counted call back (the team rejected it). */
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

export interface CallListFilter {
  status?: CallRow["status"] | undefined;
  agentId?: string | undefined;
  /** Only these inboxes (an agent's own; never empty); undefined: every inbox (admins). */
  inboxIds?: readonly string[] | undefined;
  /** Keyset cursor: only calls strictly older than this (created_at, id). */
  before?: { createdAt: number; id: string } | undefined;
  limit: number;
}

export type CallListRow = CallRow & { visitor_name: string | null; visitor_email: string | null; agent_name: string | null };

/** Calls with the visitor's and agent's names joined in, so a page of history costs one query. */
const callsWithNames = (db: Db) =>
  db
    .selectFrom("calls as c")
    .innerJoin("visitors as v", "v.id", "c.visitor_id")
    .leftJoin("agents as a", "a.id", "c.agent_id")
    .selectAll("c")
    .select(["v.name as visitor_name", "v.email as visitor_email", "a.name as agent_name"]);

/** One page of call history, newest first, ordered on (created_at, id) so the cursor never skips or repeats a row. */
export function listCallRows(db: Db, filter: CallListFilter): Promise<CallListRow[]> {
  let query = callsWithNames(db);
  if (filter.status) query = query.where("c.status", "=", filter.status);
  if (filter.agentId) query = query.where("c.agent_id", "=", filter.agentId);
  if (filter.inboxIds) query = query.where("c.inbox_id", "in", filter.inboxIds);
  if (filter.before) {
    const { createdAt, id } = filter.before;
    query = query.where((eb) => eb.or([eb("c.created_at", "<", createdAt), eb.and([eb("c.created_at", "=", createdAt), eb("c.id", "<", id)])]));
  }
  return query.orderBy("c.created_at", "desc").orderBy("c.id", "desc").limit(filter.limit).execute();
}

/** One call with the names the history shows. */
export function findCallListRow(db: Db, id: string): Promise<CallListRow | undefined> {
  return callsWithNames(db).where("c.id", "=", id).executeTakeFirst();
}

/** Calls over before `endedBefore` that the mixing job has not looked at yet (unrecorded ones are born skipped). */
export function callsAwaitingMix(db: Db, endedBefore: number, limit: number): Promise<CallRow[]> {
  return db.selectFrom("calls").selectAll().where("mix_status", "is", null).where("ended_at", "<", endedBefore).orderBy("ended_at").limit(limit).execute();
}

/** Moves a call's mixing from one state to the next; false when another node got there first. */
export async function transitionMix(db: Db, id: string, from: MixStatus | null, to: MixStatus): Promise<boolean> {
  const query = db.updateTable("calls").set({ mix_status: to }).where("id", "=", id);
  const result = await (from === null ? query.where("mix_status", "is", null) : query.where("mix_status", "=", from)).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The calls an agent is talking in. */
export function activeCallsOfAgent(db: Db, agentId: string): Promise<CallRow[]> {
  return db.selectFrom("calls").selectAll().where("agent_id", "=", agentId).where("status", "=", "active").execute();
}

/** Every live call (answered, not ended), on any node. */
export function activeCalls(db: Db): Promise<CallRow[]> {
  return db.selectFrom("calls").selectAll().where("status", "=", "active").orderBy("created_at").execute();
}
