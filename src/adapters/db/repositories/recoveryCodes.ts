import { randomUUID } from "node:crypto";
import type { Db } from "../database.ts";

/** Replaces an agent's recovery codes with a new set (hashes only), in one transaction. */
export async function replaceRecoveryCodes(db: Db, agentId: string, hashes: string[], at: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("recovery_codes").where("agent_id", "=", agentId).execute();
    await trx
      .insertInto("recovery_codes")
      .values(hashes.map((code_hash) => ({ id: randomUUID(), agent_id: agentId, code_hash, created_at: at, used_at: null })))
      .execute();
  });
}

/** Uses one code up atomically; false when no unused code of this agent has that hash. */
export async function consumeRecoveryCode(db: Db, agentId: string, hash: string, at: number): Promise<boolean> {
  const result = await db
    .updateTable("recovery_codes")
    .set({ used_at: at })
    .where("agent_id", "=", agentId)
    .where("code_hash", "=", hash)
    .where("used_at", "is", null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Unused codes per agent (agents with none are absent). */
export async function countUnusedRecoveryCodes(db: Db, agentIds?: string[]): Promise<Map<string, number>> {
  let query = db
    .selectFrom("recovery_codes")
    .select(["agent_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("used_at", "is", null)
    .groupBy("agent_id");
  if (agentIds) {
    if (agentIds.length === 0) return new Map();
    query = query.where("agent_id", "in", agentIds);
  }
  const rows = await query.execute();
  return new Map(rows.map((r) => [r.agent_id, Number(r.n)]));
}

export async function hasRecoveryCodes(db: Db, agentId: string): Promise<boolean> {
  const row = await db.selectFrom("recovery_codes").select("id").where("agent_id", "=", agentId).limit(1).executeTakeFirst();
  return row !== undefined;
}

export function deleteRecoveryCodes(db: Db, agentId: string): Promise<unknown> {
  return db.deleteFrom("recovery_codes").where("agent_id", "=", agentId).execute();
}
