import { type AgentRow, findAgentById, listAgents } from "../../adapters/db/repositories/agents.ts";
import {
  attachmentsOf,
  type ConversationListFilter,
  type ConversationRow,
  conversationsOfVisitor,
  countByStatus,
  countVisitorMessagesAfter,
  findConversation,
  findVisitor,
  latestConversationOf,
  listConversationRows,
  listMessages,
  type MessageRow,
  raiseReceipts,
  setUnreadForAgents,
  updateConversation,
  type VisitorRow,
} from "../../adapters/db/repositories/chat.ts";
import { labelsOfConversations } from "../../adapters/db/repositories/labels.ts";
import type { ConversationSummary, MessageView, VisitorConversationView } from "../../protocol/chat.ts";
import { notFound } from "../errors.ts";
import { seesInbox, visibleInboxes } from "../inboxes/visibility.ts";
import { decodePageCursor, encodePageCursor } from "../pageCursor.ts";
import { searchInboxPage, searchTermsOf } from "../search/searchInbox.ts";
import type { DomainDeps } from "../ports.ts";
import { historyPreview, presentForVisitor, presentMessage, presentSummary } from "./present.ts";
import { type EventActor, publishTimeline, recordConversationEvent, visitorRatings } from "./timeline.ts";

const PAGE = 100;

async function messageViews(deps: DomainDeps, rows: MessageRow[], visitor: VisitorRow): Promise<MessageView[]> {
  const [attachments, agents] = await Promise.all([attachmentsOf(deps.db, rows.map((r) => r.id)), listAgents(deps.db)]);
  const names = new Map(agents.map((a) => [a.id, a.name]));
  return rows.map((row) =>
    presentMessage(deps, row, attachments, row.author_type === "visitor" ? visitor.name : (names.get(row.author_id ?? "") ?? null)),
  );
}

async function requireConversation(deps: DomainDeps, id: string): Promise<{ conversation: ConversationRow; visitor: VisitorRow }> {
  const conversation = await findConversation(deps.db, id);
  const visitor = conversation && (await findVisitor(deps.db, conversation.visitor_id));
  if (!conversation || !visitor) throw notFound("conversation_not_found", "No such conversation.");
  return { conversation, visitor };
}

export async function summaryOf(deps: DomainDeps, conversation: ConversationRow, visitor: VisitorRow): Promise<ConversationSummary> {
  const [assignee, labels] = await Promise.all([
    conversation.assignee_id ? findAgentById(deps.db, conversation.assignee_id) : undefined,
    labelsOfConversations(deps.db, [conversation.id]),
  ]);
  return presentSummary(conversation, visitor, assignee, labels.get(conversation.id) ?? []);
}

/** What a (re)connecting widget needs: its conversation and the messages after the last it saw. */
export async function syncVisitor(
  deps: DomainDeps,
  visitor: VisitorRow,
  afterSeq: number,
  inboxId?: string,
): Promise<{ conversation: VisitorConversationView | null; messages: MessageView[] }> {
  const conversation = await latestConversationOf(deps.db, visitor.id, inboxId);
  if (!conversation) return { conversation: null, messages: [] };
  const rows = await listMessages(deps.db, conversation.id, afterSeq > 0 ? { afterSeq, limit: 1000 } : { limit: PAGE });
  const assignee = conversation.assignee_id ? await findAgentById(deps.db, conversation.assignee_id) : undefined;
  return { conversation: presentForVisitor(conversation, assignee), messages: await messageViews(deps, rows, visitor) };
}

/** An agent opens a conversation: its summary and messages after `afterSeq` (the latest page when 0). */
export async function openConversation(deps: DomainDeps, id: string, afterSeq: number) {
  const { conversation, visitor } = await requireConversation(deps, id);
  const rows = await listMessages(deps.db, id, afterSeq > 0 ? { afterSeq, limit: 1000 } : { limit: PAGE });
  return { conversation: await summaryOf(deps, conversation, visitor), messages: await messageViews(deps, rows, visitor) };
}

export async function olderMessages(deps: DomainDeps, id: string, beforeSeq: number, limit: number) {
  const { visitor } = await requireConversation(deps, id);
  return messageViews(deps, await listMessages(deps.db, id, { beforeSeq, limit }), visitor);
}

export interface InboxQuery {
  status: ConversationRow["status"] | "all";
  /** "me", "unassigned", "all", or an agent's id. */
  assignee: string;
  /** Only this inbox's conversations. */
  inbox?: string | undefined;
  /** Only conversations wearing this label. */
  label?: string | undefined;
  q?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

const assigneeFilter = (agent: AgentRow, assignee: string): ConversationListFilter["assignee"] =>
  assignee === "me" ? { kind: "agent", id: agent.id } : assignee === "unassigned" ? { kind: "unassigned" } : assignee === "all" ? { kind: "all" } : { kind: "agent", id: assignee };

/**
 * One inbox tab, newest activity first, with an opaque cursor for the next page; status, assignee,
 * inbox and label narrow it together (the cursor is a position, so it stays right under any of them). With a search
 * query (`q` holding at least one word) only matching conversations are listed, each with the
 * snippet that matched in `matches`.
 */
export async function listInbox(deps: DomainDeps, agent: AgentRow, query: InboxQuery) {
  const cursor = query.cursor ? decodePageCursor(query.cursor) : undefined;
  // Agents see their inboxes' conversations; admins every inbox (see inboxes/visibility.ts).
  const visible = await visibleInboxes(deps, agent);
  if (visible !== "all" && visible.length === 0) return { conversations: [], nextCursor: null };
  const filter: ConversationListFilter = {
    ...(visible === "all" ? {} : { inboxIds: visible }),
    status: query.status,
    assignee: assigneeFilter(agent, query.assignee),
    inboxId: query.inbox,
    labelId: query.label,
    ...(cursor ? { before: { lastMessageAt: cursor.at, id: cursor.id } } : {}),
    limit: query.limit,
  };
  const terms = searchTermsOf(query.q);
  const { rows, next, matches } = terms.length ? await searchInboxPage(deps, filter, terms) : await plainPage(deps, filter);
  const [agentRows, labels] = await Promise.all([listAgents(deps.db), labelsOfConversations(deps.db, rows.map((row) => row.id))]);
  const agents = new Map(agentRows.map((a) => [a.id, a]));
  return {
    conversations: rows.map((row) =>
      presentSummary(
        row,
        { id: row.visitor_id, name: row.visitor_name, email: row.visitor_email, phone: row.visitor_phone, external_id: row.visitor_external_id },
        agents.get(row.assignee_id ?? ""),
        labels.get(row.id) ?? [],
      ),
    ),
    nextCursor: next ? encodePageCursor(next.lastMessageAt, next.id) : null,
    ...(matches ? { matches } : {}),
  };
}

async function plainPage(deps: DomainDeps, filter: Parameters<typeof listConversationRows>[1]) {
  const rows = await listConversationRows(deps.db, { ...filter, limit: filter.limit + 1 });
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return { rows: page, next: rows.length > filter.limit && last ? { lastMessageAt: last.last_message_at, id: last.id } : null, matches: undefined };
}

/** Counts per status over the inboxes the agent sees. */
export async function inboxCounts(deps: DomainDeps, agent: AgentRow) {
  const visible = await visibleInboxes(deps, agent);
  if (visible !== "all" && visible.length === 0) return { open: 0, pending: 0, resolved: 0, unread: 0 };
  return countByStatus(deps.db, visible === "all" ? undefined : visible);
}

/** The conversation with everything the details panel shows about its visitor. */
export async function conversationDetails(deps: DomainDeps, id: string, agent?: Pick<AgentRow, "id" | "role">) {
  const { conversation, visitor } = await requireConversation(deps, id);
  // The visitor's other conversations, of the inboxes the agent sees (the same person on another website stays unseen).
  const visible = agent ? await visibleInboxes(deps, agent) : "all";
  const others = (await conversationsOfVisitor(deps.db, visitor.id)).filter((c) => c.id !== id && seesInbox(visible, c.inbox_id));
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    conversation: await summaryOf(deps, conversation, visitor),
    visitor: {
      id: visitor.id,
      name: visitor.name,
      email: visitor.email,
      phone: visitor.phone,
      language: visitor.language,
      userAgent: visitor.user_agent,
      pageUrl: visitor.page_url,
      pageTitle: visitor.page_title,
      firstSeenAt: iso(visitor.first_seen_at),
      lastSeenAt: iso(visitor.last_seen_at),
    },
    history: others.map((c) => ({ id: c.id, status: c.status, createdAt: iso(c.created_at), lastMessageAt: iso(c.last_message_at), ...historyPreview(c.last_message_preview) })),
    /** The visitor's latest satisfaction ratings, newest first (the contact's, until contacts exist). */
    ratings: await visitorRatings(deps, visitor.id),
  };
}

/** Tells consoles and the visitor's widget that a conversation changed. */
async function publishUpdated(deps: DomainDeps, conversation: ConversationRow, visitor: VisitorRow): Promise<ConversationSummary> {
  const summary = await summaryOf(deps, conversation, visitor);
  const assignee = summary.assignee ?? undefined;
  deps.events.publish({ type: "conversation.updated", visitorId: visitor.id, conversation: summary, visitorView: presentForVisitor(conversation, assignee) });
  return summary;
}

/** Tells consoles and the widget about a conversation changed elsewhere (automatic assignment, requeue). */
export async function announceConversation(deps: DomainDeps, id: string): Promise<ConversationSummary> {
  const { conversation, visitor } = await requireConversation(deps, id);
  return publishUpdated(deps, conversation, visitor);
}

/** Stores changes of a conversation (its updated_at at least) and tells consoles and its widget. */
export async function changed(deps: DomainDeps, id: string, changes: Partial<ConversationRow>): Promise<ConversationSummary> {
  await updateConversation(deps.db, id, { ...changes, updated_at: deps.clock.now() });
  const { conversation, visitor } = await requireConversation(deps, id);
  return publishUpdated(deps, conversation, visitor);
}

/** Assigns (or unassigns, with null) a conversation; the change goes on its timeline with who made it. */
export async function assignConversation(deps: DomainDeps, id: string, agentId: string | null, actor: EventActor = { type: "system" }): Promise<ConversationSummary> {
  const { conversation } = await requireConversation(deps, id);
  if (agentId) {
    const agent = await findAgentById(deps.db, agentId);
    if (!agent || agent.disabled_at) throw notFound("agent_not_found", "No such agent.");
  }
  if (conversation.assignee_id === agentId) return changed(deps, id, {});
  const now = deps.clock.now();
  const event = await deps.db.transaction().execute(async (trx) => {
    await updateConversation(trx, id, { assignee_id: agentId, updated_at: now });
    return recordConversationEvent(trx, { conversationId: id, kind: agentId ? "assigned" : "unassigned", actor, ...(agentId ? { data: { assigneeId: agentId } } : {}), at: now });
  });
  const summary = await changed(deps, id, {});
  await publishTimeline(deps, [event]);
  return summary;
}

/** Moves a conversation between open, pending and resolved; resolving and reopening go on its timeline. */
export async function setConversationStatus(
  deps: DomainDeps,
  id: string,
  status: ConversationRow["status"],
  actor: EventActor = { type: "system" },
): Promise<ConversationSummary> {
  const { conversation } = await requireConversation(deps, id);
  const now = deps.clock.now();
  const kind = status === "resolved" && conversation.status !== "resolved" ? "resolved" : status !== "resolved" && conversation.status === "resolved" ? "reopened" : null;
  const event = await deps.db.transaction().execute(async (trx) => {
    await updateConversation(trx, id, { status, resolved_at: status === "resolved" ? (conversation.resolved_at ?? now) : null, updated_at: now });
    return kind ? recordConversationEvent(trx, { conversationId: id, kind, actor, at: now }) : undefined;
  });
  const summary = await changed(deps, id, {});
  if (event) await publishTimeline(deps, [event]);
  return summary;
}

/** The visitor's widget received or read agent messages up to `seq`; positions only move forward. */
export async function recordVisitorReceipt(deps: DomainDeps, visitor: VisitorRow, seq: number, kind: "delivered" | "read", inboxId?: string): Promise<void> {
  const conversation = await latestConversationOf(deps.db, visitor.id, inboxId);
  if (!conversation) return;
  const upTo = Math.min(seq, conversation.last_seq);
  if (upTo <= conversation.visitor_delivered_seq && (kind === "delivered" || upTo <= conversation.visitor_read_seq)) return;
  const receipts = await raiseReceipts(deps.db, conversation.id, "visitor", upTo, kind === "read" ? upTo : null);
  if (!receipts) return;
  deps.events.publish({ type: "receipts.updated", visitorId: visitor.id, conversationId: conversation.id, inboxId: conversation.inbox_id, side: "visitor", receipts });
}

/** An agent's console received or read visitor messages up to `seq`; with two consoles open, positions only move forward. */
export async function recordAgentReceipt(deps: DomainDeps, id: string, seq: number, kind: "delivered" | "read"): Promise<void> {
  const { conversation, visitor } = await requireConversation(deps, id);
  const upTo = Math.min(seq, conversation.last_seq);
  if (upTo <= conversation.agent_delivered_seq && (kind === "delivered" || upTo <= conversation.agent_read_seq)) return;
  const receipts = await raiseReceipts(deps.db, id, "agent", upTo, kind === "read" ? upTo : null);
  if (!receipts) return;
  const unread = await countVisitorMessagesAfter(deps.db, id, receipts.readSeq);
  await setUnreadForAgents(deps.db, id, receipts.readSeq, unread);
  deps.events.publish({ type: "receipts.updated", visitorId: visitor.id, conversationId: id, inboxId: conversation.inbox_id, side: "agent", receipts });
  if (unread !== conversation.unread_for_agents) {
    const { deliveredSeq, readSeq } = receipts;
    await publishUpdated(deps, { ...conversation, agent_delivered_seq: deliveredSeq, agent_read_seq: readSeq, unread_for_agents: unread }, visitor);
  }
}
