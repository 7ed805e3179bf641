import { type AgentRow, findAgentById } from "../../adapters/db/repositories/agents.ts";
import { findConversation } from "../../adapters/db/repositories/chat.ts";
import { findCall } from "../../adapters/db/repositories/calls.ts";
import { findInbox, inboxIdsOfAgent, memberInboxesOfAgents } from "../../adapters/db/repositories/inboxes.ts";
import { DEFAULT_INBOX_ID, inboxId } from "../../protocol/inboxes.ts";
import { conflict, notFound } from "../errors.ts";
import type { CallsState } from "../../protocol/calls.ts";
import type { DomainDeps } from "../ports.ts";

// Who sees what: an agent sees the conversations and calls of the inboxes they are a member of;
// an admin sees every inbox. Another inbox's conversation is answered as if it did not exist (404),
// so its id tells nothing.

/** "all" for admins, otherwise the ids of the agent's inboxes. */
export type VisibleInboxes = "all" | readonly string[];

export async function visibleInboxes(deps: DomainDeps, agent: Pick<AgentRow, "id" | "role">): Promise<VisibleInboxes> {
  return agent.role === "admin" ? "all" : inboxIdsOfAgent(deps.db, agent.id);
}

export function seesInbox(visible: VisibleInboxes, id: string): boolean {
  return visible === "all" || visible.includes(id);
}

/** Refuses (404) a conversation of an inbox the agent does not see. */
export async function requireVisibleConversation(deps: DomainDeps, agent: Pick<AgentRow, "id" | "role">, conversationId: string): Promise<void> {
  if (agent.role === "admin") return;
  const conversation = await findConversation(deps.db, conversationId);
  if (!conversation || !seesInbox(await visibleInboxes(deps, agent), conversation.inbox_id)) {
    throw notFound("conversation_not_found", "No such conversation.");
  }
}

/** Refuses (404) a call of an inbox the agent does not see. */
export async function requireVisibleCall(deps: DomainDeps, agent: Pick<AgentRow, "id" | "role">, callId: string): Promise<void> {
  if (agent.role === "admin") return;
  const call = await findCall(deps.db, callId);
  if (!call || !seesInbox(await visibleInboxes(deps, agent), call.inbox_id)) throw notFound("call_not_found", "No such call.");
}

/**
 * The inbox a widget belongs to, from what its frame sent on the handshake. Nothing sent: the
 * default inbox (today's snippet). An id that names no inbox (deleted, or a typo in the snippet)
 * also falls back to the default, so a site never breaks; `unknown` tells the caller to warn.
 */
export async function widgetInbox(deps: DomainDeps, requested: unknown): Promise<{ inboxId: string; unknown: string | null }> {
  if (requested === undefined || requested === null || requested === "" || requested === DEFAULT_INBOX_ID) return { inboxId: DEFAULT_INBOX_ID, unknown: null };
  const parsed = inboxId.safeParse(requested);
  if (parsed.success && (await findInbox(deps.db, parsed.data))) return { inboxId: parsed.data, unknown: null };
  return { inboxId: DEFAULT_INBOX_ID, unknown: parsed.success ? parsed.data : "(malformed)" };
}

/** Every enabled non-admin agent with the inboxes they are a member of (admins see all, so are left out). */
export async function agentInboxes(deps: DomainDeps): Promise<Map<string, string[]>> {
  const rows = await memberInboxesOfAgents(deps.db);
  const byAgent = new Map<string, string[]>();
  for (const { agentId, inboxId } of rows) {
    const list = byAgent.get(agentId) ?? [];
    if (inboxId !== null) list.push(inboxId);
    byAgent.set(agentId, list);
  }
  return byAgent;
}

/** The call queue as an agent of these inboxes sees it (the day's usage is the team's, so it stays). */
export function callsStateFor(state: CallsState, visible: VisibleInboxes): CallsState {
  return visible === "all" ? state : { ...state, queue: state.queue.filter((q) => visible.includes(q.call.inboxId)) };
}

/** Refuses to assign a conversation to an agent who could not see it (not a member of its inbox, and not an admin). */
export async function requireAssignable(deps: DomainDeps, conversationId: string, agentId: string | null): Promise<void> {
  if (agentId === null) return;
  const [conversation, agent] = await Promise.all([findConversation(deps.db, conversationId), findAgentById(deps.db, agentId)]);
  if (!conversation || !agent || agent.role === "admin") return;
  if (!(await inboxIdsOfAgent(deps.db, agentId)).includes(conversation.inbox_id)) {
    throw conflict("agent_not_in_inbox", `${agent.name} is not a member of this conversation's inbox. Add them on the Inboxes page first.`);
  }
}
