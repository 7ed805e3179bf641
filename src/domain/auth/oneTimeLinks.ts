import { type AgentRow, findAgentById, updateAgent } from "../../adapters/db/repositories/agents.ts";
import {
  consumeOneTimeToken,
  expireOneTimeTokens,
  findLiveOneTimeToken,
  insertOneTimeToken,
} from "../../adapters/db/repositories/challenges.ts";
import { revokeAgentSessions } from "../../adapters/db/repositories/sessions.ts";
import type { LinkPreview, OneTimeLink } from "../../protocol/team.ts";
import { audit } from "../audit.ts";
import { notFound } from "../errors.ts";
import type { Actor, DomainDeps } from "../ports.ts";
import { type Client, type PasswordStepResult, signInWithPassword } from "./login.ts";
import { checkPasswordPolicy, hashPassword } from "./passwords.ts";
import { hashToken, newToken } from "./secrets.ts";

export type LinkPurpose = "invite" | "password_reset";

export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const PASSWORD_RESET_TTL_MS = 24 * 60 * 60 * 1000;

const PAGES: Record<LinkPurpose, string> = { invite: "invite", password_reset: "reset" };

/**
 * Makes a one-time link for an agent to choose their password (`/console/invite#<token>`); the token
 * sits in the fragment, so it never reaches a server log. A new link retires the agent's earlier ones.
 */
export async function issueLink(deps: DomainDeps, actor: Actor, agent: AgentRow, purpose: LinkPurpose): Promise<OneTimeLink> {
  const now = deps.clock.now();
  const ttl = purpose === "invite" ? INVITE_TTL_MS : PASSWORD_RESET_TTL_MS;
  const token = newToken();
  await retireLinks(deps, agent.id, now);
  await insertOneTimeToken(deps.db, {
    token_hash: hashToken(deps.keys.tokenHash, token),
    purpose,
    agent_id: agent.id,
    created_at: now,
    expires_at: now + ttl,
    used_at: null,
  });
  const action = purpose === "invite" ? "agent.invite_link_created" : "agent.password_reset_link_created";
  await audit(deps.db, now, { actor, action, target: { type: "agent", id: agent.id } });
  return { link: `${deps.publicUrl}/console/${PAGES[purpose]}#${token}`, expiresAt: new Date(now + ttl).toISOString() };
}

/** Retires every unused invite and reset link of an agent (revoke, or before a new one). */
export async function retireLinks(deps: DomainDeps, agentId: string, at: number): Promise<void> {
  await expireOneTimeTokens(deps.db, "invite", agentId, at);
  await expireOneTimeTokens(deps.db, "password_reset", agentId, at);
}

const deadLink = () => notFound("link_invalid", "This link has expired, was already used or was replaced. Ask an admin for a new one.");

async function liveLink(deps: DomainDeps, token: string) {
  const row = await findLiveOneTimeToken(deps.db, hashToken(deps.keys.tokenHash, token), deps.clock.now());
  if (!row || (row.purpose !== "invite" && row.purpose !== "password_reset") || row.agent_id === null) throw deadLink();
  const agent = await findAgentById(deps.db, row.agent_id);
  if (!agent || agent.disabled_at !== null) throw deadLink();
  return { purpose: row.purpose, agent };
}

/** Who a link is for, so the page can greet them before they choose a password. */
export async function previewLink(deps: DomainDeps, token: string): Promise<LinkPreview> {
  const { purpose, agent } = await liveLink(deps, token);
  return { purpose, name: agent.name, username: agent.username };
}

/**
 * Uses a link up: sets the chosen password, ends the agent's sessions, and continues exactly like a
 * password sign-in (a ticket for the second factor, or for enrolling one).
 */
export async function acceptLink(deps: DomainDeps, input: { token: string; password: string } & Client): Promise<PasswordStepResult> {
  checkPasswordPolicy(input.password); // before the link is used up, so a weak password costs nothing
  const { purpose, agent } = await liveLink(deps, input.token);
  const now = deps.clock.now();
  const used = await consumeOneTimeToken(deps.db, hashToken(deps.keys.tokenHash, input.token), purpose, now);
  if (!used) throw deadLink();
  await updateAgent(deps.db, agent.id, { password_hash: await hashPassword(input.password), updated_at: now });
  await revokeAgentSessions(deps.db, agent.id, now, "password_reset");
  const action = purpose === "invite" ? "agent.invite_accepted" : "agent.password_reset_used";
  await audit(deps.db, now, { actor: { type: "anonymous", ip: input.ip }, action, target: { type: "agent", id: agent.id } });
  return signInWithPassword(deps, { username: agent.username, password: input.password, ip: input.ip, userAgent: input.userAgent });
}
