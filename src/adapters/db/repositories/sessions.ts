import type { Selectable } from "kysely";
import type { Db } from "../database.ts";
import type { AgentSessionsTable, RefreshTokensTable } from "../schema.ts";
import type { AgentRow } from "./agents.ts";

export type SessionRow = Selectable<AgentSessionsTable>;
export type RefreshTokenRow = Selectable<RefreshTokensTable>;

export function insertSession(db: Db, row: SessionRow): Promise<unknown> {
  return db.insertInto("agent_sessions").values(row).execute();
}

export function insertRefreshToken(db: Db, row: RefreshTokenRow): Promise<unknown> {
  return db.insertInto("refresh_tokens").values(row).execute();
}

export function findRefreshToken(db: Db, tokenHash: string): Promise<RefreshTokenRow | undefined> {
  return db.selectFrom("refresh_tokens").selectAll().where("token_hash", "=", tokenHash).executeTakeFirst();
}

/** Marks a refresh token used; false when it already was (a replay, or a concurrent refresh). */
export async function markRefreshTokenUsed(db: Db, tokenHash: string, at: number): Promise<boolean> {
  const result = await db
    .updateTable("refresh_tokens")
    .set({ used_at: at })
    .where("token_hash", "=", tokenHash)
    .where("used_at", "is", null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export function findSession(db: Db, id: string): Promise<SessionRow | undefined> {
  return db.selectFrom("agent_sessions").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The session and its agent in one query: the per-request authentication check. */
export async function findSessionWithAgent(
  db: Db,
  sessionId: string,
): Promise<{ session: SessionRow; agent: AgentRow } | undefined> {
  const session = await findSession(db, sessionId);
  if (!session) return undefined;
  const agent = await db.selectFrom("agents").selectAll().where("id", "=", session.agent_id).executeTakeFirst();
  return agent ? { session, agent } : undefined;
}

export function touchSession(db: Db, id: string, at: number): Promise<unknown> {
  return db.updateTable("agent_sessions").set({ last_used_at: at }).where("id", "=", id).execute();
}

export function revokeSession(db: Db, id: string, at: number, reason: string): Promise<unknown> {
  return db
    .updateTable("agent_sessions")
    .set({ revoked_at: at, revoked_reason: reason })
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .execute();
}

export async function revokeAgentSessions(db: Db, agentId: string, at: number, reason: string): Promise<number> {
  const result = await db
    .updateTable("agent_sessions")
    .set({ revoked_at: at, revoked_reason: reason })
    .where("agent_id", "=", agentId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Of the given sessions, those that no longer authenticate: revoked, expired, or their agent disabled. */
export async function endedSessionIds(db: Db, ids: string[], now: number): Promise<string[]> {
  if (!ids.length) return [];
  const rows = await db
    .selectFrom("agent_sessions")
    .innerJoin("agents", "agents.id", "agent_sessions.agent_id")
    .select("agent_sessions.id")
    .where("agent_sessions.id", "in", ids)
    .where((eb) => eb.or([eb("agent_sessions.revoked_at", "is not", null), eb("agent_sessions.expires_at", "<=", now), eb("agents.disabled_at", "is not", null)]))
    .execute();
  return rows.map((row) => row.id);
}
