import { SqliteAdapter } from "kysely";
import type { Db } from "../database.ts";
import { compiledOnce } from "../compiledOnce.ts";
import type { AgentStatusValue } from "../schema.ts";

// The queries of automatic assignment. On PostgreSQL several nodes assign at once: a conversation
// is claimed with `FOR UPDATE SKIP LOCKED` (as Chatwoot does) and an agent's row is locked the
// same way before their load is counted, so no two transactions give away the same conversation
// or the same agent's last free place. SQLite has one writer, and a transaction is enough.

const isSqlite = (db: Db) => db.getExecutor().adapter instanceof SqliteAdapter;

export async function setAgentStatusRow(db: Db, agentId: string, status: AgentStatusValue, now: number): Promise<void> {
  await db
    .updateTable("agents")
    .set({ status, status_changed_at: now, ...(status === "online" ? { unavailable_since: null } : {}) })
    .where("id", "=", agentId)
    .execute();
  // Away or offline by choice counts from now, not from the job's next look.
  if (status !== "online") await db.updateTable("agents").set({ unavailable_since: now }).where("id", "=", agentId).where("unavailable_since", "is", null).execute();
}

// Read each time a chat message may let a conversation be assigned: compiled once (see compiledOnce.ts).
const inboxSettingRowsQuery = compiledOnce((db: Db) => db.selectFrom("inboxes").select(["id", "settings"]).orderBy("id"));

/** Every inbox with its settings JSON (a handful of rows). */
export function inboxSettingRows(db: Db): Promise<Array<{ id: string; settings: string }>> {
  return inboxSettingRowsQuery(db);
}

/** The oldest open, unassigned conversation of an inbox that no other transaction holds. */
export async function claimOldestWaiting(trx: Db, inboxId: string): Promise<{ id: string } | undefined> {
  let query = trx
    .selectFrom("conversations")
    .select("id")
    .where("inbox_id", "=", inboxId)
    .where("status", "=", "open")
    .where("assignee_id", "is", null)
    .orderBy("created_at")
    .orderBy("id")
    .limit(1);
  if (!isSqlite(trx)) query = query.forUpdate().skipLocked();
  return query.executeTakeFirst();
}

/**
 * Members of the inbox who chose "online" and have a console open (`connected`), enabled, the one
 * given a conversation longest ago first (round-robin).
 */
export async function candidateAgents(db: Db, inboxId: string, connected: readonly string[]): Promise<string[]> {
  if (connected.length === 0) return [];
  const rows = await db
    .selectFrom("agents as a")
    .innerJoin("inbox_members as m", (join) => join.onRef("m.agent_id", "=", "a.id").on("m.inbox_id", "=", inboxId))
    .select("a.id")
    .where("a.disabled_at", "is", null)
    .where("a.status", "=", "online")
    .where("a.id", "in", [...connected])
    .orderBy((eb) => eb.fn.coalesce("a.last_auto_assigned_at", eb.lit(0)))
    .orderBy("a.id")
    .execute();
  return rows.map((r) => r.id);
}

/** Locks one agent's row for this transaction; false when another transaction holds it (PostgreSQL). */
export async function lockAgent(trx: Db, agentId: string): Promise<boolean> {
  if (isSqlite(trx)) return true;
  const row = await trx.selectFrom("agents").select("id").where("id", "=", agentId).forUpdate().skipLocked().executeTakeFirst();
  return row !== undefined;
}

/** How many open conversations an agent is assigned: their load, against the inbox's capacity. */
export async function openLoadOf(db: Db, agentId: string): Promise<number> {
  const row = await db
    .selectFrom("conversations")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("assignee_id", "=", agentId)
    .where("status", "=", "open")
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Gives a still-waiting conversation to an agent; false if someone took or closed it meanwhile. */
export async function assignIfWaiting(trx: Db, conversationId: string, agentId: string, now: number): Promise<boolean> {
  const result = await trx
    .updateTable("conversations")
    .set({ assignee_id: agentId, updated_at: now })
    .where("id", "=", conversationId)
    .where("status", "=", "open")
    .where("assignee_id", "is", null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return false;
  await trx.updateTable("agents").set({ last_auto_assigned_at: now }).where("id", "=", agentId).execute();
  return true;
}

/**
 * Notes who is unavailable since when: agents in `available` are cleared, every other agent not
 * yet marked is marked now (the earliest mark stays, whichever node wrote it).
 */
export async function noteAvailability(db: Db, available: readonly string[], now: number): Promise<void> {
  let clear = db.updateTable("agents").set({ unavailable_since: null }).where("unavailable_since", "is not", null);
  let mark = db.updateTable("agents").set({ unavailable_since: now }).where("unavailable_since", "is", null);
  if (available.length > 0) {
    clear = clear.where("id", "in", [...available]);
    mark = mark.where("id", "not in", [...available]);
  }
  if (available.length > 0) await clear.execute();
  await mark.execute();
}

/** Agents unavailable since `before` or earlier. */
export async function agentsUnavailableSince(db: Db, before: number): Promise<string[]> {
  const rows = await db.selectFrom("agents").select("id").where("unavailable_since", "is not", null).where("unavailable_since", "<=", before).execute();
  return rows.map((r) => r.id);
}

/** An absent agent's open conversations in the given inboxes (to go back to the queue). */
export async function openConversationsOf(db: Db, agentId: string, inboxIds: readonly string[]): Promise<string[]> {
  if (inboxIds.length === 0) return [];
  const rows = await db
    .selectFrom("conversations")
    .select("id")
    .where("assignee_id", "=", agentId)
    .where("status", "=", "open")
    .where("inbox_id", "in", [...inboxIds])
    .orderBy("created_at")
    .execute();
  return rows.map((r) => r.id);
}

/** Takes a conversation back from an agent, unless it changed hands meanwhile. */
export async function unassignIfAssignedTo(trx: Db, conversationId: string, agentId: string, now: number): Promise<boolean> {
  const result = await trx
    .updateTable("conversations")
    .set({ assignee_id: null, updated_at: now })
    .where("id", "=", conversationId)
    .where("assignee_id", "=", agentId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Each agent's status, for the team list and the presence in consoles. */
export function agentStatuses(db: Db): Promise<Array<{ id: string; status: AgentStatusValue }>> {
  return db.selectFrom("agents").select(["id", "status"]).where("disabled_at", "is", null).execute();
}
