import { randomUUID } from "node:crypto";
import {
  type AgentRow,
  countAgents,
  countOtherActiveAdmins,
  findAgentByTelegramChat,
  findAgentByUsername,
  insertAgent,
  listAgents as listAgentRows,
  updateAgent,
} from "../adapters/db/repositories/agents.ts";
import { revokeAgentSessions } from "../adapters/db/repositories/sessions.ts";
import { audit } from "./audit.ts";
import { checkPasswordPolicy, hashPassword } from "./auth/passwords.ts";
import { conflict, forbidden, invalid, notFound } from "./errors.ts";
import type { Actor, DomainDeps } from "./ports.ts";
import type { ServerFeatures } from "../protocol/features.ts";
import { joinDefaultInbox } from "./inboxes/inboxes.ts";

export interface AgentView {
  id: string;
  username: string;
  name: string;
  isAdmin: boolean;
  telegramLinked: boolean;
  totpEnabled: boolean;
  language: "tr" | "en" | null;
  createdAt: string;
  disabledAt: string | null;
}

/** What the server offers agents: Telegram only with a bot configured. */
export function featuresOf(deps: DomainDeps): ServerFeatures {
  return { telegram: deps.telegram !== undefined };
}

export function presentAgent(row: AgentRow): AgentView {
  return {
    id: row.id,
    username: row.username,
    name: row.name,
    isAdmin: row.role === "admin",
    telegramLinked: row.telegram_chat_id !== null,
    totpEnabled: row.totp_secret !== null,
    language: row.language,
    createdAt: new Date(row.created_at).toISOString(),
    disabledAt: row.disabled_at === null ? null : new Date(row.disabled_at).toISOString(),
  };
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,31}$/;

/** Usernames are case-insensitive: stored and looked up in lower case. */
export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

export interface NewAgent {
  username: string;
  name: string;
  password: string;
  role: "admin" | "agent";
  telegramChatId?: string | undefined;
  language?: "tr" | "en" | undefined;
}

/** Checks a new account's fields; returns the normalized username and name. */
export function validateNewAgent(input: NewAgent): { username: string; name: string } {
  const username = normalizeUsername(input.username);
  if (!USERNAME.test(username)) {
    throw invalid("invalid_username", "Usernames are 2-32 characters: letters, digits, dot, dash or underscore.");
  }
  const name = input.name.trim();
  if (name.length < 1 || name.length > 100) throw invalid("invalid_name", "The name must be 1-100 characters.");
  if (input.telegramChatId !== undefined && !/^-?\d{1,20}$/.test(input.telegramChatId)) {
    throw invalid("invalid_telegram_chat_id", "A Telegram chat id is a number, such as 123456789.");
  }
  checkPasswordPolicy(input.password);
  return { username, name };
}

/** Creates an agent account. Used by the CLI, first-run setup and admins. */
export async function createAgent(deps: DomainDeps, actor: Actor, input: NewAgent): Promise<AgentView> {
  const { username, name } = validateNewAgent(input);
  if (await findAgentByUsername(deps.db, username)) throw conflict("username_taken", `The username "${username}" is taken.`);
  const chatTaken = () => conflict("telegram_chat_taken", "This Telegram chat is already linked to another agent.");
  if (input.telegramChatId !== undefined && (await findAgentByTelegramChat(deps.db, input.telegramChatId))) throw chatTaken();
  const now = deps.clock.now();
  const row: AgentRow = {
    id: randomUUID(),
    username,
    name,
    password_hash: await hashPassword(input.password),
    role: input.role,
    telegram_chat_id: input.telegramChatId ?? null,
    totp_secret: null,
    totp_pending_secret: null,
    totp_last_step: null,
    language: input.language ?? null,
    status: "online",
    status_changed_at: null,
    last_auto_assigned_at: null,
    unavailable_since: null,
    created_at: now,
    updated_at: now,
    disabled_at: null,
    last_login_at: null,
  };
  try {
    await insertAgent(deps.db, row);
  } catch (error) {
    // Two concurrent creations of one username (or one Telegram chat): the unique index decides.
    if (await findAgentByUsername(deps.db, username)) throw conflict("username_taken", `The username "${username}" is taken.`);
    if (input.telegramChatId !== undefined && (await findAgentByTelegramChat(deps.db, input.telegramChatId))) throw chatTaken();
    throw error;
  }
  // Every new agent (invited, from the CLI or the first admin) answers the default inbox, as before inboxes.
  await joinDefaultInbox(deps.db, row.id, now);
  await audit(deps.db, now, { actor, action: "agent.created", target: { type: "agent", id: row.id }, details: { username, role: row.role } });
  return presentAgent(row);
}

export async function listAgents(deps: DomainDeps): Promise<AgentView[]> {
  return (await listAgentRows(deps.db)).map(presentAgent);
}

export function hasAnyAgent(deps: DomainDeps): Promise<boolean> {
  return countAgents(deps.db).then((n) => n > 0);
}

/**
 * Refuses to leave the console without an active admin (disabling or demoting the last one). The CLI
 * (system actor) may: it is the operator's way back in, and it can enable or promote again.
 */
export async function keepAnAdmin(deps: DomainDeps, actor: Actor, agent: AgentRow): Promise<void> {
  if (actor.type !== "agent" || agent.role !== "admin" || agent.disabled_at !== null) return;
  if ((await countOtherActiveAdmins(deps.db, agent.id)) === 0) {
    throw conflict("last_admin", "This is the last active admin: make another agent an admin first.");
  }
}

export async function requireAgent(deps: DomainDeps, username: string): Promise<AgentRow> {
  const agent = await findAgentByUsername(deps.db, normalizeUsername(username));
  if (!agent) throw notFound("agent_not_found", `No agent is called "${username}".`);
  return agent;
}

/** Disables an account and ends all its sessions at once. */
export async function disableAgent(deps: DomainDeps, actor: Actor, username: string): Promise<AgentView> {
  const agent = await requireAgent(deps, username);
  if (actor.type === "agent" && actor.agentId === agent.id) throw forbidden("cannot_disable_self", "You cannot disable your own account.");
  await keepAnAdmin(deps, actor, agent);
  const now = deps.clock.now();
  await updateAgent(deps.db, agent.id, { disabled_at: agent.disabled_at ?? now, updated_at: now });
  await revokeAgentSessions(deps.db, agent.id, now, "agent_disabled");
  await audit(deps.db, now, { actor, action: "agent.disabled", target: { type: "agent", id: agent.id } });
  deps.events.publish({ type: "session.ended", agentId: agent.id, sessionId: null, reason: "agent_disabled" });
  return presentAgent({ ...agent, disabled_at: agent.disabled_at ?? now });
}

/** Sets a new password and ends every session, as after a suspected compromise. */
export async function resetPassword(deps: DomainDeps, actor: Actor, username: string, password: string): Promise<void> {
  checkPasswordPolicy(password);
  const agent = await requireAgent(deps, username);
  const now = deps.clock.now();
  await updateAgent(deps.db, agent.id, { password_hash: await hashPassword(password), updated_at: now });
  await revokeAgentSessions(deps.db, agent.id, now, "password_reset");
  await audit(deps.db, now, { actor, action: "agent.password_reset", target: { type: "agent", id: agent.id } });
  deps.events.publish({ type: "session.ended", agentId: agent.id, sessionId: null, reason: "password_reset" });
}
