import type { Selectable, Updateable } from "kysely";
import type { Db } from "../database.ts";
import type { InboxesTable } from "../schema.ts";

export type InboxRow = Selectable<InboxesTable>;

/** Every inbox, the default first, then by creation. */
export function listInboxRows(db: Db): Promise<InboxRow[]> {
  return db.selectFrom("inboxes").selectAll().orderBy("created_at").orderBy("name").orderBy("id").execute();
}

export function findInbox(db: Db, id: string): Promise<InboxRow | undefined> {
  return db.selectFrom("inboxes").selectAll().where("id", "=", id).executeTakeFirst();
}

export function insertInbox(db: Db, row: InboxRow): Promise<unknown> {
  return db.insertInto("inboxes").values(row).execute();
}

export function updateInbox(db: Db, id: string, changes: Updateable<InboxesTable>): Promise<unknown> {
  return db.updateTable("inboxes").set(changes).where("id", "=", id).execute();
}

export function deleteInbox(db: Db, id: string): Promise<unknown> {
  return db.deleteFrom("inboxes").where("id", "=", id).execute();
}

/** Whether any conversation or call belongs to the inbox (then it is never deleted). */
export async function inboxHasHistory(db: Db, id: string): Promise<boolean> {
  const conversation = await db.selectFrom("conversations").select("id").where("inbox_id", "=", id).limit(1).executeTakeFirst();
  if (conversation) return true;
  const call = await db.selectFrom("calls").select("id").where("inbox_id", "=", id).limit(1).executeTakeFirst();
  return call !== undefined;
}

/** Member agent ids by inbox id. */
export async function membersByInbox(db: Db): Promise<Map<string, string[]>> {
  const rows = await db.selectFrom("inbox_members").select(["inbox_id", "agent_id"]).orderBy("created_at").execute();
  const members = new Map<string, string[]>();
  for (const row of rows) members.set(row.inbox_id, [...(members.get(row.inbox_id) ?? []), row.agent_id]);
  return members;
}

export async function inboxIdsOfAgent(db: Db, agentId: string): Promise<string[]> {
  const rows = await db.selectFrom("inbox_members").select("inbox_id").where("agent_id", "=", agentId).orderBy("inbox_id").execute();
  return rows.map((r) => r.inbox_id);
}

/** Adds memberships; ones that exist already stay as they are. */
export async function addInboxMembers(db: Db, inboxId: string, agentIds: string[], now: number): Promise<void> {
  if (agentIds.length === 0) return;
  await db
    .insertInto("inbox_members")
    .values(agentIds.map((agentId) => ({ inbox_id: inboxId, agent_id: agentId, created_at: now })))
    .onConflict((oc) => oc.columns(["inbox_id", "agent_id"]).doNothing())
    .execute();
}

export async function removeInboxMembers(db: Db, inboxId: string, agentIds: string[]): Promise<void> {
  if (agentIds.length === 0) return;
  await db.deleteFrom("inbox_members").where("inbox_id", "=", inboxId).where("agent_id", "in", agentIds).execute();
}

/** Each enabled non-admin agent with each inbox they are a member of (inboxId null: none). */
export function memberInboxesOfAgents(db: Db): Promise<Array<{ agentId: string; inboxId: string | null }>> {
  return db
    .selectFrom("agents as a")
    .leftJoin("inbox_members as m", "m.agent_id", "a.id")
    .select(["a.id as agentId", "m.inbox_id as inboxId"])
    .where("a.role", "=", "agent")
    .where("a.disabled_at", "is", null)
    .execute();
}

/** Each agent's inboxes (every agent with at least one membership, admins included). */
export async function inboxIdsOfAgents(db: Db): Promise<Map<string, string[]>> {
  const rows = await db.selectFrom("inbox_members").select(["agent_id", "inbox_id"]).orderBy("inbox_id").execute();
  const byAgent = new Map<string, string[]>();
  for (const row of rows) byAgent.set(row.agent_id, [...(byAgent.get(row.agent_id) ?? []), row.inbox_id]);
  return byAgent;
}
