import { type AgentRow, listAgents as listAgentRows, updateAgent } from "../adapters/db/repositories/agents.ts";
import { agentsWithTokens } from "../adapters/db/repositories/challenges.ts";
import { countUnusedRecoveryCodes, deleteRecoveryCodes } from "../adapters/db/repositories/recoveryCodes.ts";
import { revokeAgentSessions } from "../adapters/db/repositories/sessions.ts";
import type { AgentRole, InviteResponse, OneTimeLink, TeamMember } from "../protocol/team.ts";
import { createAgent, keepAnAdmin, requireAgent } from "./agents.ts";
import { issueLink, retireLinks } from "./auth/oneTimeLinks.ts";
import { newToken } from "./auth/secrets.ts";
import { audit } from "./audit.ts";
import { conflict, forbidden } from "./errors.ts";
import type { Actor, DomainDeps } from "./ports.ts";

// Team administration by admins (console) and automation (CLI): invites, enabling, roles, resets.
// Every change writes an audit entry.

function presentMember(row: AgentRow, invited: Set<string>, codes: Map<string, number>): TeamMember {
  const status = row.disabled_at !== null ? "disabled" : row.last_login_at === null && invited.has(row.id) ? "invited" : "active";
  return {
    id: row.id,
    username: row.username,
    name: row.name,
    role: row.role,
    status,
    telegramLinked: row.telegram_chat_id !== null,
    totpEnabled: row.totp_secret !== null,
    recoveryCodesLeft: codes.get(row.id) ?? 0,
    lastLoginAt: row.last_login_at === null ? null : new Date(row.last_login_at).toISOString(),
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** Everyone, with status, second factors and last sign-in: the Team page. */
export async function listTeam(deps: DomainDeps): Promise<TeamMember[]> {
  const [rows, invited, codes] = await Promise.all([listAgentRows(deps.db), agentsWithTokens(deps.db, "invite"), countUnusedRecoveryCodes(deps.db)]);
  return rows.map((row) => presentMember(row, invited, codes));
}

async function member(deps: DomainDeps, id: string): Promise<TeamMember> {
  const found = (await listTeam(deps)).find((m) => m.id === id);
  if (!found) throw new Error(`agent ${id} vanished`);
  return found;
}

/** Creates the account with an unusable password and a 7-day link to choose one. */
export async function inviteAgent(
  deps: DomainDeps,
  actor: Actor,
  input: { username: string; name: string; role: AgentRole; language?: "tr" | "en" | undefined },
): Promise<InviteResponse> {
  const created = await createAgent(deps, actor, { ...input, password: newToken() });
  const row = await requireAgent(deps, created.username);
  const invite = await issueLink(deps, actor, row, "invite");
  return { member: await member(deps, row.id), invite };
}

/** A new invite link for someone who has not joined yet; the old link stops working. */
export async function resendInvite(deps: DomainDeps, actor: Actor, username: string): Promise<OneTimeLink> {
  const row = await requireAgent(deps, username);
  if ((await member(deps, row.id)).status !== "invited") throw conflict("not_invited", "This agent has already joined or is disabled.");
  return issueLink(deps, actor, row, "invite");
}

/** Retires the agent's unused invite and reset links. */
export async function revokeLinks(deps: DomainDeps, actor: Actor, username: string): Promise<TeamMember> {
  const row = await requireAgent(deps, username);
  const now = deps.clock.now();
  await retireLinks(deps, row.id, now);
  await audit(deps.db, now, { actor, action: "agent.links_revoked", target: { type: "agent", id: row.id } });
  return member(deps, row.id);
}

/** A 24-hour link with which the agent chooses a new password (their second factor stays). */
export async function passwordResetLink(deps: DomainDeps, actor: Actor, username: string): Promise<OneTimeLink> {
  const row = await requireAgent(deps, username);
  if (row.disabled_at !== null) throw conflict("agent_disabled", "Enable this agent first.");
  return issueLink(deps, actor, row, "password_reset");
}

export async function enableAgent(deps: DomainDeps, actor: Actor, username: string): Promise<TeamMember> {
  const row = await requireAgent(deps, username);
  const now = deps.clock.now();
  if (row.disabled_at !== null) {
    await updateAgent(deps.db, row.id, { disabled_at: null, updated_at: now });
    await audit(deps.db, now, { actor, action: "agent.enabled", target: { type: "agent", id: row.id } });
  }
  return member(deps, row.id);
}

export async function setRole(deps: DomainDeps, actor: Actor, username: string, role: AgentRole): Promise<TeamMember> {
  const row = await requireAgent(deps, username);
  if (row.role !== role) {
    if (role === "agent") await keepAnAdmin(deps, actor, row);
    const now = deps.clock.now();
    await updateAgent(deps.db, row.id, { role, updated_at: now });
    await audit(deps.db, now, { actor, action: "agent.role_changed", target: { type: "agent", id: row.id }, details: { from: row.role, to: role } });
  }
  return member(deps, row.id);
}

/** Removes Telegram, authenticator and recovery codes: the agent enrols again at the next sign-in. */
export async function resetSecondFactor(deps: DomainDeps, actor: Actor, username: string): Promise<TeamMember> {
  const row = await requireAgent(deps, username);
  if (actor.type === "agent" && actor.agentId === row.id) {
    throw forbidden("cannot_reset_self", "Change your own second factors in your account settings.");
  }
  const now = deps.clock.now();
  await updateAgent(deps.db, row.id, { telegram_chat_id: null, totp_secret: null, totp_pending_secret: null, totp_last_step: null, updated_at: now });
  await deleteRecoveryCodes(deps.db, row.id);
  await revokeAgentSessions(deps.db, row.id, now, "second_factor_reset");
  await audit(deps.db, now, { actor, action: "agent.second_factor_reset", target: { type: "agent", id: row.id } });
  deps.events.publish({ type: "session.ended", agentId: row.id, sessionId: null, reason: "second_factor_reset" });
  return member(deps, row.id);
}
