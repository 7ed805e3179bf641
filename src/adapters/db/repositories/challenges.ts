import type { Selectable } from "kysely";
import type { Db } from "../database.ts";
import type { OneTimeTokensTable, OtpChallengesTable } from "../schema.ts";

export type OtpChallengeRow = Selectable<OtpChallengesTable>;
export type OneTimeTokenRow = Selectable<OneTimeTokensTable>;

/** Stores a new login code and retires any earlier one, so only the latest code works. */
export async function replaceOtpChallenge(db: Db, row: OtpChallengeRow): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("otp_challenges")
      .set({ consumed_at: row.created_at })
      .where("agent_id", "=", row.agent_id)
      .where("consumed_at", "is", null)
      .execute();
    await trx.insertInto("otp_challenges").values(row).execute();
  });
}

/** The agent's live code, if any: issuing a code retires the previous ones, so there is at most one. */
export function findActiveOtpChallenge(db: Db, agentId: string): Promise<OtpChallengeRow | undefined> {
  return db
    .selectFrom("otp_challenges")
    .selectAll()
    .where("agent_id", "=", agentId)
    .where("consumed_at", "is", null)
    .orderBy("created_at", "desc")
    .limit(1)
    .executeTakeFirst();
}

/** Counts a wrong try atomically and returns the new count (undefined if the code is gone). */
export async function countOtpFailure(db: Db, id: string): Promise<number | undefined> {
  await db
    .updateTable("otp_challenges")
    .set((eb) => ({ attempts: eb("attempts", "+", 1) }))
    .where("id", "=", id)
    .where("consumed_at", "is", null)
    .execute();
  const row = await db.selectFrom("otp_challenges").select("attempts").where("id", "=", id).executeTakeFirst();
  return row?.attempts;
}

/** Uses a code up; false when it was already used or locked meanwhile. */
export async function consumeOtpChallenge(db: Db, id: string, at: number, maxAttempts: number): Promise<boolean> {
  const result = await db
    .updateTable("otp_challenges")
    .set({ consumed_at: at })
    .where("id", "=", id)
    .where("consumed_at", "is", null)
    .where("attempts", "<", maxAttempts)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export function deleteOtpChallenge(db: Db, id: string): Promise<unknown> {
  return db.deleteFrom("otp_challenges").where("id", "=", id).execute();
}

export function insertOneTimeToken(db: Db, row: OneTimeTokenRow): Promise<unknown> {
  return db.insertInto("one_time_tokens").values(row).execute();
}

/** Uses a one-time token up: returns it when it existed for this purpose, was unused and unexpired. */
export async function consumeOneTimeToken(
  db: Db,
  tokenHash: string,
  purpose: OneTimeTokenRow["purpose"],
  at: number,
): Promise<OneTimeTokenRow | undefined> {
  const result = await db
    .updateTable("one_time_tokens")
    .set({ used_at: at })
    .where("token_hash", "=", tokenHash)
    .where("purpose", "=", purpose)
    .where("used_at", "is", null)
    .where("expires_at", ">", at)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) return undefined;
  return db.selectFrom("one_time_tokens").selectAll().where("token_hash", "=", tokenHash).executeTakeFirst();
}

/** Retires unused tokens of a purpose (for one agent, or agent-less ones such as setup links). */
export function expireOneTimeTokens(
  db: Db,
  purpose: OneTimeTokenRow["purpose"],
  agentId: string | null,
  at: number,
): Promise<unknown> {
  return db
    .updateTable("one_time_tokens")
    .set({ expires_at: at })
    .where("purpose", "=", purpose)
    .where("used_at", "is", null)
    .where("expires_at", ">", at)
    .where("agent_id", agentId === null ? "is" : "=", agentId)
    .execute();
}

/** A token that is still usable (unused, unexpired), without using it up. */
export function findLiveOneTimeToken(db: Db, tokenHash: string, at: number): Promise<OneTimeTokenRow | undefined> {
  return db
    .selectFrom("one_time_tokens")
    .selectAll()
    .where("token_hash", "=", tokenHash)
    .where("used_at", "is", null)
    .where("expires_at", ">", at)
    .executeTakeFirst();
}

/** Agents that were ever sent a token of this purpose (invited agents, for the team list). */
export async function agentsWithTokens(db: Db, purpose: OneTimeTokenRow["purpose"]): Promise<Set<string>> {
  const rows = await db.selectFrom("one_time_tokens").select("agent_id").distinct().where("purpose", "=", purpose).execute();
  return new Set(rows.flatMap((r) => (r.agent_id === null ? [] : [r.agent_id])));
}
