import type { Insertable, Selectable, Updateable } from "kysely";
import type { Db } from "../database.ts";
import { compiledOnce } from "../compiledOnce.ts";
import type { AgentsTable } from "../schema.ts";

export type AgentRow = Selectable<AgentsTable>;

export function insertAgent(db: Db, row: Insertable<AgentsTable>): Promise<unknown> {
  return db.insertInto("agents").values(row).execute();
}

// Every message's view names its conversation's assignee: compiled once (see compiledOnce.ts).
const agentByIdQuery = compiledOnce((db: Db, id: string) => db.selectFrom("agents").selectAll().where("id", "=", id));

export async function findAgentById(db: Db, id: string): Promise<AgentRow | undefined> {
  return (await agentByIdQuery(db, id))[0];
}

export function findAgentByUsername(db: Db, username: string): Promise<AgentRow | undefined> {
  return db.selectFrom("agents").selectAll().where("username", "=", username).executeTakeFirst();
}

export function findAgentByTelegramChat(db: Db, chatId: string): Promise<AgentRow | undefined> {
  return db.selectFrom("agents").selectAll().where("telegram_chat_id", "=", chatId).executeTakeFirst();
}

export function listAgents(db: Db): Promise<AgentRow[]> {
  return db.selectFrom("agents").selectAll().orderBy("created_at").orderBy("username").execute();
}

export async function countAgents(db: Db): Promise<number> {
  const row = await db.selectFrom("agents").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function updateAgent(db: Db, id: string, changes: Updateable<AgentsTable>): Promise<boolean> {
  const result = await db.updateTable("agents").set(changes).where("id", "=", id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Records a used TOTP time step only if it is newer than the last one, so a code works once. */
export async function advanceTotpStep(db: Db, id: string, step: number): Promise<boolean> {
  const result = await db
    .updateTable("agents")
    .set({ totp_last_step: step })
    .where("id", "=", id)
    .where((eb) => eb.or([eb("totp_last_step", "is", null), eb("totp_last_step", "<", step)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Active (not disabled) admins other than `exceptId`: the last-admin rule counts these. */
export async function countOtherActiveAdmins(db: Db, exceptId: string): Promise<number> {
  const row = await db
    .selectFrom("agents")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("role", "=", "admin")
    .where("disabled_at", "is", null)
    .where("id", "!=", exceptId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
