import { randomUUID } from "node:crypto";
import { type AgentRow, updateAgent } from "../../adapters/db/repositories/agents.ts";
import {
  findRefreshToken,
  findSession,
  findSessionWithAgent,
  insertRefreshToken,
  insertSession,
  markRefreshTokenUsed,
  revokeAgentSessions,
  revokeSession,
  touchSession,
} from "../../adapters/db/repositories/sessions.ts";
import { type AgentView, presentAgent } from "../agents.ts";
import { audit } from "../audit.ts";
import { unauthorized } from "../errors.ts";
import type { Actor, DomainDeps } from "../ports.ts";
import { ACCESS_TOKEN_TTL_S, signAccessToken, verifyAccessToken } from "./jwt.ts";
import { hashToken, newToken } from "./secrets.ts";

export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export interface IssuedSession {
  /** Which session the tokens belong to (the media-session cookie carries it, see signedLinks.ts). */
  sessionId: string;
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  agent: AgentView;
}

interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

const invalidSession = () => unauthorized("session_invalid", "Your session has ended. Sign in again.");

/** Starts a session (a refresh-token family) after both factors succeeded. */
export async function startSession(deps: DomainDeps, agent: AgentRow, client: ClientInfo): Promise<IssuedSession> {
  const now = deps.clock.now();
  const sessionId = randomUUID();
  const refreshToken = newToken();
  await deps.db.transaction().execute(async (trx) => {
    await insertSession(trx, {
      id: sessionId,
      agent_id: agent.id,
      created_at: now,
      expires_at: now + SESSION_TTL_MS,
      last_used_at: now,
      revoked_at: null,
      revoked_reason: null,
      ip: client.ip,
      user_agent: client.userAgent?.slice(0, 300) ?? null,
    });
    await insertRefreshToken(trx, { token_hash: hashToken(deps.keys.tokenHash, refreshToken), session_id: sessionId, created_at: now, used_at: null });
    await updateAgent(trx, agent.id, { last_login_at: now });
  });
  const actor: Actor = { type: "agent", agentId: agent.id, sessionId, role: agent.role };
  await audit(deps.db, now, { actor, action: "auth.signed_in", ip: client.ip });
  return {
    sessionId,
    accessToken: await signAccessToken(deps.keys.jwt, { agentId: agent.id, sessionId }, now),
    expiresIn: ACCESS_TOKEN_TTL_S,
    refreshToken,
    agent: presentAgent({ ...agent, last_login_at: now }),
  };
}

/**
 * Trades a refresh token for a new one (rotation). A token that was already traded is a sign of
 * theft: the whole family is revoked, ending the thief's and the owner's sessions alike.
 */
export async function refreshSession(deps: DomainDeps, refreshToken: string, client: ClientInfo): Promise<IssuedSession> {
  const now = deps.clock.now();
  const tokenHash = hashToken(deps.keys.tokenHash, refreshToken);
  const token = await findRefreshToken(deps.db, tokenHash);
  if (!token) throw invalidSession();
  const found = await findSessionWithAgent(deps.db, token.session_id);
  if (!found || found.session.revoked_at !== null || found.session.expires_at <= now || found.agent.disabled_at !== null) {
    throw invalidSession();
  }
  const { session, agent } = found;
  const actor: Actor = { type: "agent", agentId: agent.id, sessionId: session.id, role: agent.role };
  if (token.used_at !== null || !(await markRefreshTokenUsed(deps.db, tokenHash, now))) {
    await revokeSession(deps.db, session.id, now, "refresh_token_reuse");
    await audit(deps.db, now, { actor, action: "auth.refresh_reuse_detected", ip: client.ip, target: { type: "session", id: session.id } });
    throw unauthorized("session_reused", "This session was used from somewhere else and has been ended for safety. Sign in again.");
  }
  const next = newToken();
  await insertRefreshToken(deps.db, { token_hash: hashToken(deps.keys.tokenHash, next), session_id: session.id, created_at: now, used_at: null });
  await touchSession(deps.db, session.id, now);
  return {
    sessionId: session.id,
    accessToken: await signAccessToken(deps.keys.jwt, { agentId: agent.id, sessionId: session.id }, now),
    expiresIn: ACCESS_TOKEN_TTL_S,
    refreshToken: next,
    agent: presentAgent(agent),
  };
}

/** Ends the session a refresh token belongs to and returns its id. Unknown tokens are ignored: logout always succeeds. */
export async function endSession(deps: DomainDeps, refreshToken: string, ip: string | null): Promise<string | undefined> {
  const now = deps.clock.now();
  const token = await findRefreshToken(deps.db, hashToken(deps.keys.tokenHash, refreshToken));
  if (!token) return undefined;
  const session = await findSession(deps.db, token.session_id);
  if (!session || session.revoked_at !== null) return undefined;
  await revokeSession(deps.db, session.id, now, "logout");
  await audit(deps.db, now, { actor: { type: "agent", agentId: session.agent_id, sessionId: session.id, role: "agent" }, action: "auth.signed_out", ip });
  deps.events.publish({ type: "session.ended", agentId: session.agent_id, sessionId: session.id });
  return session.id;
}

/** "Sign out everywhere": ends every session of the acting agent, this one included. */
export async function endAllSessions(deps: DomainDeps, actor: Extract<Actor, { type: "agent" }>, ip: string | null): Promise<number> {
  const now = deps.clock.now();
  const count = await revokeAgentSessions(deps.db, actor.agentId, now, "logout_everywhere");
  await audit(deps.db, now, { actor, action: "auth.signed_out_everywhere", ip, details: { sessions: count } });
  deps.events.publish({ type: "session.ended", agentId: actor.agentId, sessionId: null });
  return count;
}

/**
 * Checks an access token and that its session is still alive and its agent enabled, so logout,
 * "sign out everywhere" and disabling an agent take effect at once, not after 15 minutes.
 */
export async function authenticate(deps: DomainDeps, accessToken: string): Promise<{ actor: Extract<Actor, { type: "agent" }>; agent: AgentRow }> {
  const now = deps.clock.now();
  const claims = await verifyAccessToken(deps.keys.jwt, accessToken, now);
  const found = await findSessionWithAgent(deps.db, claims.sessionId);
  if (!found || found.agent.id !== claims.agentId || found.session.revoked_at !== null || found.agent.disabled_at !== null) {
    throw invalidSession();
  }
  return { actor: { type: "agent", agentId: found.agent.id, sessionId: found.session.id, role: found.agent.role }, agent: found.agent };
}
