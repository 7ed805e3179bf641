import { type Expression, type RawBuilder, SqliteAdapter, sql } from "kysely";
import type { Db } from "../database.ts";

// The queries of the reports (domain/reports). Each is one aggregate over a date range, the same
// SQL on both engines except percentiles: PostgreSQL has percentile_cont; SQLite numbers the
// ordered values with row_number() and returns the two around each percentile's position, which
// `interpolate` weighs exactly as percentile_cont does. Times are bucketed per UTC hour or quarter
// hour (see domain/reports/zoneBuckets.ts): integer division on both engines.

/** What every query is limited to: [start, end) in epoch ms, inboxes ("all" for admins), one agent or the team. */
export interface ReportScope {
  start: number;
  end: number;
  inboxes: "all" | readonly string[];
  agentId: string | undefined;
}

const isSqlite = (db: Db) => db.getExecutor().adapter instanceof SqliteAdapter;
const num = (v: unknown): number => Number(v ?? 0);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** `inbox_id in (…)` for a column, or true for admins; an agent of no inbox matches nothing. */
function inboxFilter(column: string, inboxes: ReportScope["inboxes"]): RawBuilder<boolean> {
  if (inboxes === "all") return sql<boolean>`1 = 1`;
  if (inboxes.length === 0) return sql<boolean>`1 = 0`;
  return sql<boolean>`${sql.ref(column)} in (${sql.join(inboxes.map((id) => sql`${id}`))})`;
}

/** Conversations started in the scope, per UTC slot of `slotMs` (an hour or a quarter hour: see zoneBuckets.ts). */
export async function conversationSlots(db: Db, s: ReportScope, slotMs: number): Promise<Array<{ slot: number; n: number }>> {
  const slot = sql<number>`created_at / ${sql.lit(slotMs)}`;
  const rows = await db
    .selectFrom("conversations")
    .select([slot.as("slot"), (eb) => eb.fn.countAll<number>().as("n")])
    .where("created_at", ">=", s.start)
    .where("created_at", "<", s.end)
    .where(inboxFilter("inbox_id", s.inboxes))
    .$if(s.agentId !== undefined, (q) => q.where("assignee_id", "=", s.agentId ?? ""))
    .groupBy(slot)
    .execute();
  return rows.map((r) => ({ slot: num(r.slot), n: num(r.n) }));
}

/** Conversations of the scope's inboxes started in the range, as a subquery selecting `x`. */
function startedConversations(db: Db, s: ReportScope) {
  return db
    .selectFrom("conversations as c")
    .where("c.created_at", ">=", s.start)
    .where("c.created_at", "<", s.end)
    .where(inboxFilter("c.inbox_id", s.inboxes))
    .$if(s.agentId !== undefined, (q) => q.where("c.assignee_id", "=", s.agentId ?? ""));
}

export interface Percentiles {
  count: number;
  p50: number | null;
  p90: number | null;
}

/** percentile_cont's interpolation: the value at position p·(n-1) of the ordered values. */
function interpolate(byIndex: Map<number, number>, n: number, p: number): number | null {
  if (n === 0) return null;
  const position = p * (n - 1);
  const lower = Math.floor(position);
  const low = byIndex.get(lower);
  if (low === undefined) return null;
  const high = byIndex.get(Math.min(lower + 1, n - 1)) ?? low;
  return low + (high - low) * (position - lower);
}

/** Count, median and 90th percentile of the non-null `x` of `values` (a subquery). */
async function percentiles(db: Db, values: Expression<unknown>): Promise<Percentiles> {
  if (!isSqlite(db)) {
    const { rows } = await sql<{ n: unknown; p50: unknown; p90: unknown }>`
      select count(*) as n,
             percentile_cont(0.5) within group (order by x::double precision) as p50,
             percentile_cont(0.9) within group (order by x::double precision) as p90
      from (${values}) v where x is not null`.execute(db);
    const row = rows[0];
    return { count: num(row?.n), p50: numOrNull(row?.p50), p90: numOrNull(row?.p90) };
  }
  const { rows } = await sql<{ i: unknown; n: unknown; x: unknown }>`
    with o as (
      select x, row_number() over (order by x) - 1 as i, count(*) over () as n
      from (${values}) v where x is not null
    )
    select i, n, x from o
    where i in (cast(0.5 * (n - 1) as integer), cast(0.5 * (n - 1) as integer) + 1,
                cast(0.9 * (n - 1) as integer), cast(0.9 * (n - 1) as integer) + 1)`.execute(db);
  const n = num(rows[0]?.n);
  const byIndex = new Map(rows.map((r) => [num(r.i), num(r.x)]));
  return { count: n, p50: interpolate(byIndex, n, 0.5), p90: interpolate(byIndex, n, 0.9) };
}

/** From start to an agent's first message, over the conversations started in the range that got one. */
export function firstResponseTimes(db: Db, s: ReportScope): Promise<Percentiles> {
  const values = startedConversations(db, s).select(sql<number>`c.first_reply_at - c.created_at`.as("x"));
  return percentiles(db, values);
}

/** From start to resolved, over the conversations started in the range and resolved now. */
export function resolutionTimes(db: Db, s: ReportScope): Promise<Percentiles> {
  const values = startedConversations(db, s)
    .where("c.status", "=", "resolved")
    .select(sql<number>`c.resolved_at - c.created_at`.as("x"));
  return percentiles(db, values);
}

/** Ratings given in the range, per score. */
export async function ratingCounts(db: Db, s: ReportScope): Promise<Array<{ score: number; n: number }>> {
  const rows = await db
    .selectFrom("conversation_ratings as r")
    .innerJoin("conversations as c", "c.id", "r.conversation_id")
    .select(["r.score", (eb) => eb.fn.countAll<number>().as("n")])
    .where("r.created_at", ">=", s.start)
    .where("r.created_at", "<", s.end)
    .where(inboxFilter("c.inbox_id", s.inboxes))
    .$if(s.agentId !== undefined, (q) => q.where("c.assignee_id", "=", s.agentId ?? ""))
    .groupBy("r.score")
    .execute();
  return rows.map((r) => ({ score: num(r.score), n: num(r.n) }));
}

export interface CallFigures {
  total: number;
  answered: number;
  missed: number;
  rejected: number;
  averageDurationMs: number | null;
  averageWaitMs: number | null;
}

/** Calls placed in the range: how they went, and the average duration and wait of the answered ones. */
export async function callFigures(db: Db, s: ReportScope): Promise<CallFigures> {
  const count = (condition: RawBuilder<unknown>) => sql<number>`sum(case when ${condition} then 1 else 0 end)`;
  const row = await db
    .selectFrom("calls")
    .select([
      (eb) => eb.fn.countAll<number>().as("total"),
      count(sql`answered_at is not null`).as("answered"),
      count(sql`status = 'missed'`).as("missed"),
      count(sql`status = 'rejected'`).as("rejected"),
      sql<number>`avg(case when answered_at is not null then duration_ms end)`.as("duration"),
      sql<number>`avg(answered_at - created_at)`.as("wait"),
    ])
    .where("created_at", ">=", s.start)
    .where("created_at", "<", s.end)
    .where(inboxFilter("inbox_id", s.inboxes))
    .$if(s.agentId !== undefined, (q) => q.where("agent_id", "=", s.agentId ?? ""))
    .executeTakeFirst();
  return {
    total: num(row?.total),
    answered: num(row?.answered),
    missed: num(row?.missed),
    rejected: num(row?.rejected),
    averageDurationMs: numOrNull(row?.duration),
    averageWaitMs: numOrNull(row?.wait),
  };
}

/** Conversations started in the range per assignee: how many, and how many are resolved. */
export async function conversationsByAssignee(db: Db, s: ReportScope): Promise<Array<{ agentId: string; conversations: number; resolved: number }>> {
  const rows = await startedConversations(db, s)
    .select(["c.assignee_id", (eb) => eb.fn.countAll<number>().as("n"), sql<number>`sum(case when c.status = 'resolved' then 1 else 0 end)`.as("resolved")])
    .where("c.assignee_id", "is not", null)
    .groupBy("c.assignee_id")
    .execute();
  return rows.map((r) => ({ agentId: r.assignee_id ?? "", conversations: num(r.n), resolved: num(r.resolved) }));
}

/** Each agent's availability changes within the range, with the last one before it (their state at the start). */
export async function availabilityChanges(db: Db, s: Pick<ReportScope, "start" | "end">): Promise<Array<{ agentId: string; available: boolean; at: number }>> {
  // Each agent's last change before the range: one probe of (agent_id, at) per agent, however long the history.
  const last = (column: "available" | "at") =>
    sql<number | null>`(select ${sql.ref(`l.${column}`)} from agent_availability l where l.agent_id = agents.id and l.at < ${s.start} order by l.at desc, l.id desc limit 1)`;
  const [earlier, within] = await Promise.all([
    db.selectFrom("agents").select(["agents.id as agent_id", last("available").as("available"), last("at").as("at")]).execute(),
    db.selectFrom("agent_availability").select(["agent_id", "available", "at"]).where("at", ">=", s.start).where("at", "<", s.end).orderBy("at").orderBy("id").execute(),
  ]);
  return [...earlier.filter((r) => r.at !== null), ...within].map((r) => ({ agentId: r.agent_id, available: num(r.available) === 1, at: num(r.at) }));
}

/** Notes an agent became available or stopped, unless that is what the last note already says. */
export async function recordAvailabilityRow(db: Db, row: { id: string; agentId: string; available: boolean; at: number }): Promise<void> {
  const last = await db.selectFrom("agent_availability").select("available").where("agent_id", "=", row.agentId).orderBy("at", "desc").orderBy("id", "desc").limit(1).executeTakeFirst();
  if (last && num(last.available) === (row.available ? 1 : 0)) return;
  await db.insertInto("agent_availability").values({ id: row.id, agent_id: row.agentId, available: row.available ? 1 : 0, at: row.at }).execute();
}

/** The agents a report lists: every enabled agent for "all", else the members of these inboxes. */
export async function reportAgents(db: Db, inboxes: ReportScope["inboxes"]): Promise<Array<{ id: string; name: string }>> {
  let q = db.selectFrom("agents").select(["agents.id", "agents.name"]).where("agents.disabled_at", "is", null).orderBy("agents.name").orderBy("agents.id");
  if (inboxes !== "all") {
    if (inboxes.length === 0) return [];
    q = q.where((eb) => eb.exists(eb.selectFrom("inbox_members as im").select("im.agent_id").whereRef("im.agent_id", "=", "agents.id").where("im.inbox_id", "in", [...inboxes])));
  }
  return q.execute();
}

/** Names of agents by id (for agents with figures who are no longer listed: disabled, or left the inbox). */
export async function agentNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom("agents").select(["id", "name"]).where("id", "in", [...ids]).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}
