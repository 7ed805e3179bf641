import { oneLine, visitorLabel } from "./visitorLabel.ts";
import { type AgentRow, findAgentByTelegramChat } from "../../adapters/db/repositories/agents.ts";
import {
  attachmentsOf,
  findConversation,
  findMessage,
  findMessageByClientId,
  findVisitor,
  listConversationRows,
} from "../../adapters/db/repositories/chat.ts";
import {
  callAlertMessages,
  conversationOfTelegramMessage,
  rememberCallAlert,
  rememberTelegramMessage,
} from "../../adapters/db/repositories/telegramMessages.ts";
import { findCall } from "../../adapters/db/repositories/calls.ts";
import { recordOutboxPart } from "../../adapters/db/repositories/outbox.ts";
import { expandCannedReply } from "../../protocol/cannedReplyText.ts";
import { acceptCall, declineCall, presentCall } from "../calls/callService.ts";
import { findCannedReplyForAgent } from "../cannedReplies.ts";
import { DomainError, forbidden, notFound } from "../errors.ts";
import { requireVisibleCall, requireVisibleConversation, visibleInboxes } from "../inboxes/visibility.ts";
import type { DomainDeps } from "../ports.ts";
import { discardUpload, uploadAttachment } from "./attachments.ts";
import { setConversationStatus } from "./conversations.ts";
import { sendAgentMessage } from "./messages.ts";

// What the Telegram bridge needs from chat, without any Telegram types: the adapter formats and sends.

export interface VisitorMessageAlert {
  conversationId: string;
  visitorLabel: string;
  pageUrl: string | null;
  isNew: boolean;
  body: string;
  files: Array<{ kind: "image" | "voice" | "file"; mime: string; fileName: string; storageKey: string }>;
}

export async function visitorMessageAlert(deps: DomainDeps, messageId: string, isNew: boolean): Promise<VisitorMessageAlert | undefined> {
  const message = await findMessage(deps.db, messageId);
  const conversation = message && (await findConversation(deps.db, message.conversation_id));
  const visitor = conversation && (await findVisitor(deps.db, conversation.visitor_id));
  if (!message || !conversation || !visitor) return undefined;
  const files = await attachmentsOf(deps.db, [message.id]);
  return {
    conversationId: conversation.id,
    visitorLabel: visitorLabel(visitor),
    pageUrl: conversation.page_url && oneLine(conversation.page_url, 300),
    isNew,
    body: message.body,
    files: files.map((f) => ({ kind: f.kind, mime: f.mime, fileName: f.file_name, storageKey: f.storage_key })),
  };
}

/**
 * One post of an outbox row went out: remember it (so replies route back) and count it as sent in
 * one transaction, so a retry resumes after it. False when `owner` no longer holds the row's lease.
 */
export function recordAlertPart(
  deps: DomainDeps,
  part: { outboxId: string; owner: string; partsSent: number; chatId: string; messageId: number; conversationId?: string; callId?: string },
): Promise<boolean> {
  const at = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    if (part.conversationId) await rememberTelegramMessage(trx, { chatId: part.chatId, messageId: part.messageId, conversationId: part.conversationId, at });
    if (part.callId) await rememberCallAlert(trx, { chatId: part.chatId, messageId: part.messageId, callId: part.callId, at });
    return recordOutboxPart(trx, part.outboxId, part.owner, part.partsSent);
  });
}

export function rememberBridgedMessage(deps: DomainDeps, chatId: string, messageId: number, conversationId: string): Promise<unknown> {
  return rememberTelegramMessage(deps.db, { chatId, messageId, conversationId, at: deps.clock.now() });
}

/** The agent behind a Telegram user: their private chat id is their user id. */
async function agentOfTelegramUser(deps: DomainDeps, userId: string) {
  const agent = await findAgentByTelegramChat(deps.db, userId);
  if (!agent || agent.disabled_at) throw forbidden("telegram_not_linked", "Your Telegram account is not linked to a destek agent. Link it in the console under Settings.");
  return agent;
}

/** The conversation a bridged post belongs to, if the agent works its inbox (a team chat may be shared). */
async function conversationRepliedTo(deps: DomainDeps, agent: AgentRow, chatId: string, replyToMessageId: number | undefined) {
  const id = replyToMessageId === undefined ? undefined : await conversationOfTelegramMessage(deps.db, chatId, replyToMessageId);
  if (!id) throw notFound("conversation_not_found", "Reply to a conversation message from the bot to answer it.");
  await requireVisibleConversation(deps, agent, id);
  return id;
}

export interface TelegramReply {
  chatId: string;
  fromUserId: string;
  telegramMessageId: number;
  replyToMessageId: number | undefined;
  text: string;
  file?: { data: Buffer; fileName: string | undefined; voice: boolean; truncated: boolean } | undefined;
}

// The Telegram message id makes the client id, so a redelivered update is stored once.
const clientIdOf = (reply: { chatId: string; telegramMessageId: number }) => `tg_${reply.chatId}_${reply.telegramMessageId}`;

/**
 * Checked before anything an agent sent from Telegram is fetched: the sender is a linked agent,
 * the post they answered is a bridged one, and this message was not stored already (a redelivery).
 */
export async function checkTelegramReply(deps: DomainDeps, reply: Omit<TelegramReply, "text" | "file">): Promise<{ alreadyStored: boolean }> {
  const agent = await agentOfTelegramUser(deps, reply.fromUserId);
  const conversationId = await conversationRepliedTo(deps, agent, reply.chatId, reply.replyToMessageId);
  return { alreadyStored: (await findMessageByClientId(deps.db, conversationId, clientIdOf(reply))) !== undefined };
}

/** An agent answered a bridged message in Telegram: deliver it to the visitor, attachment included. */
export async function replyFromTelegram(deps: DomainDeps, reply: TelegramReply) {
  const agent = await agentOfTelegramUser(deps, reply.fromUserId);
  const conversationId = await conversationRepliedTo(deps, agent, reply.chatId, reply.replyToMessageId);
  const upload = reply.file ? await uploadAttachment(deps, { uploader: `agent:${agent.id}`, ...reply.file }) : undefined;
  let sent: Awaited<ReturnType<typeof sendAgentMessage>> | undefined;
  try {
    sent = await sendAgentMessage(deps, agent, {
      conversationId,
      clientId: clientIdOf(reply),
      body: reply.text,
      attachmentIds: upload ? [upload.id] : [],
      via: "telegram",
    });
    return sent;
  } finally {
    // A redelivery racing the first delivery stored its file for nothing: no orphan is left behind.
    if (upload && (!sent || sent.duplicate)) await discardUpload(deps, upload.id);
  }
}

/**
 * `/c <shortcut>` sent as a reply to a bridged message: the agent's canned reply, its variables filled
 * in as the console's picker fills them, goes to the visitor as that agent. An unknown shortcut is
 * refused with `canned_reply_not_found` and the close matches in `details.closeMatches` (comma-separated).
 */
export async function cannedReplyFromTelegram(deps: DomainDeps, input: Omit<TelegramReply, "text" | "file"> & { shortcut: string }) {
  const agent = await agentOfTelegramUser(deps, input.fromUserId);
  const conversationId = await conversationRepliedTo(deps, agent, input.chatId, input.replyToMessageId);
  const found = await findCannedReplyForAgent(deps, agent.id, input.shortcut);
  if (!found.reply) {
    const close = found.closeMatches;
    const hint = close.length ? ` Close matches: ${close.map((s) => `/c ${s}`).join(", ")}.` : "";
    throw new DomainError("canned_reply_not_found", "not_found", `No canned reply "${input.shortcut}".${hint}`, undefined, { closeMatches: close.join(",") });
  }
  const conversation = await findConversation(deps.db, conversationId);
  const visitor = conversation && (await findVisitor(deps.db, conversation.visitor_id));
  const body = expandCannedReply(found.reply.text, {
    "visitor.name": visitor?.name,
    "visitor.email": visitor?.email,
    "visitor.phone": visitor?.phone,
    "agent.name": agent.name,
  });
  return sendAgentMessage(deps, agent, { conversationId, clientId: clientIdOf(input), body, attachmentIds: [], via: "telegram" });
}

/** `/resolve` sent as a reply to a bridged message. */
export async function resolveFromTelegram(deps: DomainDeps, input: { chatId: string; fromUserId: string; replyToMessageId: number | undefined }) {
  const agent = await agentOfTelegramUser(deps, input.fromUserId);
  return setConversationStatus(deps, await conversationRepliedTo(deps, agent, input.chatId, input.replyToMessageId), "resolved", { type: "agent", id: agent.id });
}

/** `/open`: the open conversations, newest activity first. */
export async function openConversationsForTelegram(deps: DomainDeps, fromUserId: string, limit = 10) {
  const agent = await agentOfTelegramUser(deps, fromUserId);
  const visible = await visibleInboxes(deps, agent);
  if (visible !== "all" && visible.length === 0) return [];
  const rows = await listConversationRows(deps.db, { status: "open", assignee: { kind: "all" }, limit, ...(visible === "all" ? {} : { inboxIds: visible }) });
  return rows.map((row) => ({
    conversationId: row.id,
    visitorLabel: visitorLabel({ id: row.visitor_id, name: row.visitor_name, email: row.visitor_email }),
    preview: row.last_message_preview ?? "",
    unread: row.unread_for_agents,
  }));
}

/** What a Telegram call alert says: who is calling, how, and whether the call still waits. */
export async function callAlert(deps: DomainDeps, callId: string) {
  const call = await findCall(deps.db, callId);
  const visitor = call && (await findVisitor(deps.db, call.visitor_id));
  if (!call || !visitor) return undefined;
  return { callId: call.id, visitorLabel: visitorLabel(visitor), media: call.media, waiting: call.status === "queued" };
}

/** The Reject button under a Telegram call alert. */
export async function rejectCallFromTelegram(deps: DomainDeps, input: { fromUserId: string; callId: string }) {
  const agent = await agentOfTelegramUser(deps, input.fromUserId);
  await requireVisibleCall(deps, agent, input.callId);
  return { agent, call: await declineCall(deps, agent, input.callId) };
}

/**
 * The Accept button under a Telegram call alert: the linked agent claims the call (atomically, as
 * from the console; the visitor and the consoles learn through the published events). The agent
 * then talks from the console, at `consoleUrl`.
 */
export async function acceptCallFromTelegram(deps: DomainDeps, input: { fromUserId: string; callId: string }) {
  const agent = await agentOfTelegramUser(deps, input.fromUserId);
  await requireVisibleCall(deps, agent, input.callId);
  const { call } = await acceptCall(deps, agent, input.callId);
  return { agent, call, consoleUrl: `${deps.publicUrl}/console/calls/${encodeURIComponent(call.id)}` };
}

/** The call as it stands now (who took it), for answering a late press on an alert. */
export async function callNow(deps: DomainDeps, callId: string) {
  const call = await findCall(deps.db, callId);
  return call && presentCall(deps, call);
}

/** Remembers a posted call alert, so it can be updated when the call is taken or rejected. */
export function rememberCallAlertMessage(deps: DomainDeps, chatId: string, messageId: number, callId: string): Promise<unknown> {
  return rememberCallAlert(deps.db, { chatId, messageId, callId, at: deps.clock.now() });
}

/** Every alert posted for a call, to update them all. */
export function callAlertsOf(deps: DomainDeps, callId: string) {
  return callAlertMessages(deps.db, callId);
}
