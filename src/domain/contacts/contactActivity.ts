import { callRowsOf, conversationRowsOf, ratingRowsOf } from "../../adapters/db/repositories/contacts.ts";
import type { ContactCall, ContactConversation } from "../../protocol/contacts.ts";
import type { ContactConsent } from "../../protocol/privacy.ts";
import { consentRowsOf } from "../../adapters/db/repositories/consents.ts";
import type { RatingView } from "../../protocol/timeline.ts";
import { findAgentById } from "../../adapters/db/repositories/agents.ts";
import { findVisitor } from "../../adapters/db/repositories/chat.ts";
import { summaryOf } from "../chat/conversations.ts";
import { historyPreview, presentForVisitor } from "../chat/present.ts";
import { seesInbox, visibleInboxes } from "../inboxes/visibility.ts";
import type { Actor, DomainDeps } from "../ports.ts";

// What a contact did, across all its visitor rows: conversations, calls and ratings.
//
// Visibility lives in ONE place, `visibleToAgent` below: an agent sees the conversations and calls
// of their inboxes (admins all), which narrows conversations, calls and ratings together.

export type AgentActor = Extract<Actor, { type: "agent" }>;

const CONVERSATIONS_SHOWN = 100;
const CALLS_SHOWN = 50;
const RATINGS_SHOWN = 20;
const CONSENTS_SHOWN = 50;

const iso = (ms: number) => new Date(ms).toISOString();

/** Whether the agent may see a conversation or call of this inbox on a contact page. The one visibility rule of contacts. */
async function visibleToAgent(deps: DomainDeps, actor: AgentActor): Promise<(row: { inbox_id: string }) => boolean> {
  const visible = await visibleInboxes(deps, { id: actor.agentId, role: actor.role });
  return (row) => seesInbox(visible, row.inbox_id);
}

/** The contact's conversations the agent may see, newest first. */
export async function contactConversations(deps: DomainDeps, actor: AgentActor, visitorIds: string[]): Promise<ContactConversation[]> {
  const visible = await visibleToAgent(deps, actor);
  const rows = (await conversationRowsOf(deps.db, visitorIds, CONVERSATIONS_SHOWN)).filter(visible);
  return rows.map((row) => ({
    id: row.id,
    status: row.status,
    createdAt: iso(row.created_at),
    lastMessageAt: iso(row.last_message_at),
    ...historyPreview(row.last_message_preview),
  }));
}

/** The contact's calls the agent may see, with the recording consent each caller gave. */
export async function contactCalls(deps: DomainDeps, actor: AgentActor, visitorIds: string[]): Promise<ContactCall[]> {
  const visible = await visibleToAgent(deps, actor);
  const rows = (await callRowsOf(deps.db, visitorIds, CALLS_SHOWN)).filter(visible);
  return rows.map((row) => ({
    id: row.id,
    status: row.status,
    media: row.media,
    agentName: row.agent_name ?? null,
    createdAt: iso(row.created_at),
    durationMs: row.duration_ms,
    consent: row.consent_mode && row.consent_at !== null ? { mode: row.consent_mode, at: iso(row.consent_at), version: row.consent_version ?? "" } : null,
  }));
}

/**
 * The contact's consent records of the inboxes the agent may see, newest first: each privacy
 * notice agreed to before a chat (consents table), and each recording consent given before a call.
 */
export async function contactConsents(deps: DomainDeps, actor: AgentActor, visitorIds: string[]): Promise<ContactConsent[]> {
  const visible = await visibleToAgent(deps, actor);
  const notices = (await consentRowsOf(deps.db, visitorIds, CONSENTS_SHOWN)).filter(visible).map((row): ContactConsent & { ms: number } => ({
    kind: row.kind,
    version: row.version,
    at: iso(row.created_at),
    inboxId: row.inbox_id,
    policyUrl: row.policy_url,
    callId: null,
    mode: null,
    ms: row.created_at,
  }));
  const recordings = (await callRowsOf(deps.db, visitorIds, CALLS_SHOWN)).filter(visible).flatMap((row): (ContactConsent & { ms: number })[] =>
    row.consent_mode && row.consent_at !== null
      ? [{ kind: "call_recording", version: row.consent_version ?? "", at: iso(row.consent_at), inboxId: row.inbox_id, policyUrl: null, callId: row.id, mode: row.consent_mode, ms: row.consent_at }]
      : [],
  );
  return [...notices, ...recordings]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, CONSENTS_SHOWN)
    .map(({ ms: _ms, ...consent }) => consent);
}

/** The contact's ratings, of the conversations the agent may see (`conversations`, from contactConversations). */
export async function contactRatings(deps: DomainDeps, visitorIds: string[], conversations: ContactConversation[]): Promise<RatingView[]> {
  const shown = new Set(conversations.map((c) => c.id));
  const rows = await ratingRowsOf(deps.db, visitorIds, RATINGS_SHOWN);
  return rows
    .filter((row) => shown.has(row.conversation_id))
    .map((row) => ({ conversationId: row.conversation_id, score: row.score, comment: row.comment, updatedAt: iso(row.updated_at) }));
}

const ANNOUNCED = 20;

/**
 * Tells consoles that a contact's open and pending conversations now show another name or address
 * (after an edit or a merge), so inbox lists and headers change without a reload.
 */
export async function announceContactChange(deps: DomainDeps, visitorId: string): Promise<void> {
  const visitor = await findVisitor(deps.db, visitorId);
  if (!visitor) return;
  const rows = (await conversationRowsOf(deps.db, [visitorId], ANNOUNCED)).filter((row) => row.status !== "resolved");
  for (const row of rows) {
    const assignee = row.assignee_id ? await findAgentById(deps.db, row.assignee_id) : undefined;
    deps.events.publish({ type: "conversation.updated", visitorId, conversation: await summaryOf(deps, row, visitor), visitorView: presentForVisitor(row, assignee) });
  }
}
