import { createHash, randomBytes, randomUUID } from "node:crypto";
import { type AgentRow, findAgentById, listAgents } from "../adapters/db/repositories/agents.ts";
import {
  type ApiTokenRow,
  findApiToken,
  findApiTokenByHash,
  insertApiToken,
  listApiTokenRows,
  revokeApiTokenRow,
  touchApiToken,
} from "../adapters/db/repositories/apiTokens.ts";
import { API_TOKEN_PREFIX, type ApiScope, type ApiTokenView, apiScope, type CreatedApiToken, type NewApiToken } from "../protocol/apiTokens.ts";
import { audit } from "./audit.ts";
import { forbidden, notFound, unauthorized } from "./errors.ts";
import type { Actor, DomainDeps } from "./ports.ts";

type AgentActor = Extract<Actor, { type: "agent" }>;

/** What an authenticated API request carries: the token, and the admin it acts as. */
export interface ApiPrincipal {
  token: ApiTokenRow;
  scopes: ReadonlySet<ApiScope>;
  agent: AgentRow;
  /** The token's owner as an actor; `sessionId` names the token, as API calls have no console session. */
  actor: AgentActor;
}

// A 256-bit secret is unguessable, so an unsalted SHA-256 is enough to store it (no slow hash needed);
// unlike the keyed hashes of sessions it stays valid when the install's keys are rotated.
const hashOf = (secret: string) => createHash("sha256").update(secret).digest("hex");

const scopesOf = (row: ApiTokenRow): ApiScope[] => {
  const parsed: unknown = JSON.parse(row.scopes);
  return Array.isArray(parsed) ? parsed.flatMap((s) => (apiScope.safeParse(s).success ? [s as ApiScope] : [])) : [];
};

function present(row: ApiTokenRow, names: Map<string, string>): ApiTokenView {
  const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());
  return {
    id: row.id,
    name: row.name,
    scopes: scopesOf(row),
    lastFour: row.last_four,
    createdBy: { id: row.agent_id, name: names.get(row.agent_id) ?? null },
    createdAt: new Date(Number(row.created_at)).toISOString(),
    lastUsedAt: iso(row.last_used_at),
    revokedAt: iso(row.revoked_at),
  };
}

const agentNames = async (deps: DomainDeps) => new Map((await listAgents(deps.db)).map((a) => [a.id, a.name]));

/** Creates a token for the admin `actor`; the secret is in the answer and nowhere else, ever. */
export async function createApiToken(deps: DomainDeps, actor: AgentActor, input: NewApiToken, ip?: string | null): Promise<CreatedApiToken> {
  if (actor.role !== "admin") throw forbidden("admin_only", "Only admins can do this.");
  const now = deps.clock.now();
  const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  const row: ApiTokenRow = {
    id: randomUUID(),
    name: input.name,
    token_hash: hashOf(token),
    last_four: token.slice(-4),
    scopes: JSON.stringify([...new Set(input.scopes)]),
    agent_id: actor.agentId,
    created_at: now,
    last_used_at: null,
    revoked_at: null,
  };
  await insertApiToken(deps.db, row);
  await audit(deps.db, now, { actor, action: "api_token.created", target: { type: "api_token", id: row.id }, ip: ip ?? null, details: { name: row.name, scopes: scopesOf(row) } });
  return { token, apiToken: present(row, await agentNames(deps)) };
}

/** Every token (live and revoked), newest first, without secrets. */
export async function listApiTokens(deps: DomainDeps): Promise<ApiTokenView[]> {
  const names = await agentNames(deps);
  return (await listApiTokenRows(deps.db)).map((row) => present(row, names));
}

/** Revokes a token at once; revoking a revoked token changes nothing. */
export async function revokeApiToken(deps: DomainDeps, actor: AgentActor, id: string, ip?: string | null): Promise<ApiTokenView> {
  if (actor.role !== "admin") throw forbidden("admin_only", "Only admins can do this.");
  const now = deps.clock.now();
  if (await revokeApiTokenRow(deps.db, id, now)) {
    await audit(deps.db, now, { actor, action: "api_token.revoked", target: { type: "api_token", id }, ip: ip ?? null });
  }
  const row = await findApiToken(deps.db, id);
  if (!row) throw notFound("api_token_not_found", "No such API token.");
  return present(row, await agentNames(deps));
}

const invalidToken = () => unauthorized("api_token_invalid", "The API token is unknown or revoked.");

/** Checks a presented token and notes its use (`last_used_at`); revoked tokens and disabled owners are refused. */
export async function authenticateApiToken(deps: DomainDeps, secret: string): Promise<ApiPrincipal> {
  if (!secret.startsWith(API_TOKEN_PREFIX) || secret.length > 200) throw invalidToken();
  const token = await findApiTokenByHash(deps.db, hashOf(secret));
  if (!token || token.revoked_at !== null) throw invalidToken();
  const agent = await findAgentById(deps.db, token.agent_id);
  if (!agent || agent.disabled_at !== null) throw invalidToken();
  const now = deps.clock.now();
  await touchApiToken(deps.db, token.id, now);
  return {
    token: { ...token, last_used_at: now },
    scopes: new Set(scopesOf(token)),
    agent,
    actor: { type: "agent", agentId: agent.id, sessionId: `api-token:${token.id}`, role: agent.role },
  };
}

/** Refuses a request whose token lacks `scope` (403, naming the scope to add). */
export function requireApiScope(principal: ApiPrincipal, scope: ApiScope): void {
  if (!principal.scopes.has(scope)) throw forbidden("api_scope_missing", `This API token lacks the scope ${scope}.`);
}

/**
 * Audits a change made through the API (one entry per write request; reads only move
 * `last_used_at`, so a polling integration does not flood the log).
 */
export function auditApiWrite(deps: DomainDeps, principal: ApiPrincipal, request: { method: string; route: string; status: number; ip: string | null }): Promise<unknown> {
  return audit(deps.db, deps.clock.now(), {
    actor: principal.actor,
    action: "api.request",
    target: { type: "api_token", id: principal.token.id },
    ip: request.ip,
    details: { token: principal.token.name, method: request.method, route: request.route, status: request.status },
  });
}
