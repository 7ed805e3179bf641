import { DEFAULT_INBOX_ID } from "../../protocol/inboxes.ts";
import { randomUUID } from "node:crypto";
import type { AgentRow } from "../../adapters/db/repositories/agents.ts";
import {
  type AttachmentRow,
  attachmentsOf,
  bindAttachments,
  type ConversationRow,
  findConversation,
  findMessageByClientId,
  findVisitor,
  insertConversation,
  insertMessage,
  latestConversationOf,
  type MessageRow,
  nextSeq,
  touchVisitor,
  updateConversation,
  type VisitorRow,
} from "../../adapters/db/repositories/chat.ts";
import { labelsOfConversations } from "../../adapters/db/repositories/labels.ts";
import { enqueueOutbox } from "../../adapters/db/repositories/outbox.ts";
import { queueVisitorMessagePush } from "../push/pushNotifications.ts";
import { findAgentById } from "../../adapters/db/repositories/agents.ts";
import type { Db } from "../../adapters/db/database.ts";
import { MAX_MESSAGE_LENGTH, type ConversationSummary, type MessageView } from "../../protocol/chat.ts";
import { invalid, notFound } from "../errors.ts";
import type { DomainDeps, Origin } from "../ports.ts";
import { consumeAddressLimit } from "./addressLimits.ts";
import { presentMessage, presentSummary, previewOf } from "./present.ts";
import type { ConversationEventRow } from "../../adapters/db/repositories/timeline.ts";
import { publishTimeline, recordConversationEvent } from "./timeline.ts";
import { alertChats } from "./alertChats.ts";
import { requireNoticeConsent } from "../privacy/privacyNotice.ts";

/**
 * A visitor who writes within this time after their conversation was resolved reopens it; later,
 * a new conversation starts (the old one keeps its rating and history).
 */
export const REOPEN_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

export interface NewMessage {
  clientId: string;
  body: string;
  attachmentIds: string[];
}

export interface SentMessage {
  message: MessageView;
  conversation: ConversationSummary;
  /** True when this client id was already stored: nothing new happened. */
  duplicate: boolean;
}

function checkContent(input: NewMessage): string {
  const body = input.body.trim();
  if (body.length > MAX_MESSAGE_LENGTH) throw invalid("message_too_long", `Messages are at most ${MAX_MESSAGE_LENGTH} characters.`);
  if (!body && input.attachmentIds.length === 0) throw invalid("message_empty", "The message is empty.");
  return body;
}

// A sentinel to leave a transaction without writing when the client id was seen before.
class AlreadyStored {
  constructor(readonly message: MessageRow) {}
}

async function store(
  trx: Db,
  conversation: ConversationRow,
  input: NewMessage,
  body: string,
  author: { type: "visitor" | "agent"; id: string },
  via: MessageRow["via"],
  now: number,
): Promise<MessageRow> {
  // Take the sequence number first: it locks the conversation, so a concurrent resend of the same
  // client id waits here and then finds the stored message instead of colliding with it.
  const seq = await nextSeq(trx, conversation.id);
  const seen = await findMessageByClientId(trx, conversation.id, input.clientId);
  if (seen) throw new AlreadyStored(seen);
  const row: MessageRow = {
    id: randomUUID(),
    conversation_id: conversation.id,
    seq,
    client_id: input.clientId,
    author_type: author.type,
    author_id: author.id,
    body,
    via,
    created_at: now,
  };
  await insertMessage(trx, row);
  const bound = await bindAttachments(trx, input.attachmentIds, `${author.type}:${author.id}`, { messageId: row.id, conversationId: conversation.id });
  if (bound !== input.attachmentIds.length) throw invalid("attachment_invalid", "An attachment is unknown, not yours, or already sent.");
  return row;
}

/**
 * Stores a visitor's message (persist before acknowledging). The first message opens a
 * conversation; writing after it was resolved reopens it. Telegram alerts are queued in the same
 * transaction, so a crash can lose neither the message nor its notification. From the widget, an
 * inbox that asks for consent to its privacy notice needs it first (`privacyConsent` records it);
 * a reply by e-mail answers a conversation the widget already started.
 */
export async function sendVisitorMessage(
  deps: DomainDeps,
  visitor: VisitorRow,
  input: NewMessage & { pageUrl?: string | undefined; origin: Origin; via?: "widget" | "email"; inboxId?: string | undefined; privacyConsent?: string | undefined },
): Promise<SentMessage> {
  const body = checkContent(input);
  const now = deps.clock.now();
  let isNew = false;
  const timeline: ConversationEventRow[] = [];
  try {
    const { message, conversation, bound } = await deps.db.transaction().execute(async (trx) => {
      // Touching the visitor row first serializes this visitor's sends (two tabs, one conversation).
      await touchVisitor(trx, visitor.id, now, input.pageUrl);
      let conversation = await latestConversationOf(trx, visitor.id, input.inboxId);
      if (conversation) {
        const seen = await findMessageByClientId(trx, conversation.id, input.clientId);
        if (seen) throw new AlreadyStored(seen);
      }
      if ((input.via ?? "widget") === "widget") {
        await requireNoticeConsent(trx, { visitorId: visitor.id, inboxId: input.inboxId, agreed: input.privacyConsent, now });
      }
      if (conversation?.status === "resolved" && now - (conversation.resolved_at ?? 0) <= REOPEN_WINDOW_MS) {
        timeline.push(await recordConversationEvent(trx, { conversationId: conversation.id, kind: "reopened", actor: { type: "visitor", id: visitor.id }, at: now }));
      } else if (!conversation || conversation.status === "resolved") {
        // Opening a conversation is what alerts the team: limited per address, not per visitor.
        await consumeAddressLimit(deps, "newConversations", input.origin);
        isNew = true;
        conversation = newConversation(visitor.id, input.pageUrl ?? visitor.page_url, now, input.inboxId ?? DEFAULT_INBOX_ID);
        await insertConversation(trx, conversation);
      }
      const message = await store(trx, conversation, input, body, { type: "visitor", id: visitor.id }, input.via ?? "widget", now);
      // A message without uploads has none: no query for them (nor for the view after the commit).
      const bound = input.attachmentIds.length ? await attachmentsOf(trx, [message.id]) : [];
      const changes = {
        status: "open" as const,
        resolved_at: null,
        last_message_at: now,
        last_message_preview: previewOf(body, bound),
        last_message_author: "visitor" as const,
        unread_for_agents: conversation.unread_for_agents + 1,
        updated_at: now,
        ...(input.pageUrl ? { page_url: input.pageUrl } : {}),
      };
      await updateConversation(trx, conversation.id, changes);
      const updated = { ...conversation, ...changes, last_seq: message.seq };
      for (const chatId of await alertChats(trx, deps, updated)) {
        await enqueueOutbox(trx, "telegram.visitor_message", { messageId: message.id, chatId, isNew }, now);
      }
      await queueVisitorMessagePush(deps, trx, { conversation: updated, messageId: message.id, isNew, at: now });
      return { message, conversation: updated, bound };
    });
    const sent = await published(deps, message, conversation, visitor, isNew, bound);
    await publishTimeline(deps, timeline);
    return sent;
  } catch (error) {
    if (error instanceof AlreadyStored) return duplicateOf(deps, error.message);
    throw error;
  }
}

/** Stores an agent's reply, from the console, Telegram or the REST API. Replying assigns the unassigned. */
export async function sendAgentMessage(
  deps: DomainDeps,
  agent: AgentRow,
  input: NewMessage & { conversationId: string; via: "console" | "telegram" | "api" },
): Promise<SentMessage> {
  const body = checkContent(input);
  const now = deps.clock.now();
  const timeline: ConversationEventRow[] = [];
  try {
    const { message, conversation, bound } = await deps.db.transaction().execute(async (trx) => {
      const conversation = await findConversation(trx, input.conversationId);
      if (!conversation) throw notFound("conversation_not_found", "No such conversation.");
      const message = await store(trx, conversation, input, body, { type: "agent", id: agent.id }, input.via, now);
      const actor = { type: "agent" as const, id: agent.id };
      if (conversation.status === "resolved") timeline.push(await recordConversationEvent(trx, { conversationId: conversation.id, kind: "reopened", actor, at: now }));
      if (!conversation.assignee_id) {
        timeline.push(await recordConversationEvent(trx, { conversationId: conversation.id, kind: "assigned", actor, data: { assigneeId: agent.id }, at: now }));
      }
      // A message without uploads has none: no query for them (nor for the view after the commit).
      const bound = input.attachmentIds.length ? await attachmentsOf(trx, [message.id]) : [];
      const changes = {
        status: conversation.status === "resolved" ? ("open" as const) : conversation.status,
        resolved_at: null,
        assignee_id: conversation.assignee_id ?? agent.id,
        last_message_at: now,
        last_message_preview: previewOf(body, bound),
        last_message_author: "agent" as const,
        // Answering means the agent has read everything before it.
        agent_read_seq: message.seq,
        agent_delivered_seq: message.seq,
        unread_for_agents: 0,
        updated_at: now,
      };
      await updateConversation(trx, conversation.id, changes);
      return { message, conversation: { ...conversation, ...changes, last_seq: message.seq }, bound };
    });
    const visitor = await findVisitor(deps.db, conversation.visitor_id);
    if (!visitor) throw notFound("conversation_not_found", "No such conversation.");
    const sent = await published(deps, message, conversation, visitor, false, bound);
    await publishTimeline(deps, timeline);
    return sent;
  } catch (error) {
    if (error instanceof AlreadyStored) return duplicateOf(deps, error.message);
    throw error;
  }
}

function newConversation(visitorId: string, pageUrl: string | null, now: number, inboxId: string): ConversationRow {
  return {
    id: randomUUID(),
    visitor_id: visitorId,
    status: "open",
    inbox_id: inboxId,
    assignee_id: null,
    page_url: pageUrl,
    last_seq: 0,
    last_message_at: now,
    last_message_preview: null,
    last_message_author: null,
    visitor_delivered_seq: 0,
    visitor_read_seq: 0,
    agent_delivered_seq: 0,
    agent_read_seq: 0,
    unread_for_agents: 0,
    created_at: now,
    updated_at: now,
    resolved_at: null,
    email_notified_seq: 0,
    first_reply_at: null,
  };
}


async function published(deps: DomainDeps, row: MessageRow, conversation: ConversationRow, visitor: VisitorRow, isNew: boolean, attachments: AttachmentRow[]): Promise<SentMessage> {
  const { message, summary } = await viewOf(deps, row, conversation, visitor, attachments);
  deps.events.publish({ type: "message.created", visitorId: visitor.id, message, conversation: summary, isNewConversation: isNew });
  return { message, conversation: summary, duplicate: false };
}

async function duplicateOf(deps: DomainDeps, row: MessageRow): Promise<SentMessage> {
  const conversation = await findConversation(deps.db, row.conversation_id);
  const visitor = conversation && (await findVisitor(deps.db, conversation.visitor_id));
  if (!conversation || !visitor) throw notFound("conversation_not_found", "No such conversation.");
  const { message, summary } = await viewOf(deps, row, conversation, visitor);
  return { message, conversation: summary, duplicate: true };
}

/** A message and its conversation as clients see them; `known` attachments (just bound in the transaction) spare a query. */
async function viewOf(deps: DomainDeps, row: MessageRow, conversation: ConversationRow, visitor: VisitorRow, known?: AttachmentRow[]) {
  const [attachments, author, assignee, labels] = await Promise.all([
    known ?? attachmentsOf(deps.db, [row.id]),
    row.author_type === "agent" && row.author_id ? findAgentById(deps.db, row.author_id) : undefined,
    conversation.assignee_id ? findAgentById(deps.db, conversation.assignee_id) : undefined,
    labelsOfConversations(deps.db, [conversation.id]),
  ]);
  const authorName = row.author_type === "visitor" ? visitor.name : (author?.name ?? null);
  return { message: presentMessage(deps, row, attachments, authorName), summary: presentSummary(conversation, visitor, assignee, labels.get(conversation.id) ?? []) };
}
