import { enqueueOutbox } from "../../adapters/db/repositories/outbox.ts";
import { findCall } from "../../adapters/db/repositories/calls.ts";
import { findConversation, findMessage, findVisitor } from "../../adapters/db/repositories/chat.ts";
import { type PushRecipient, pushRecipientsOfAgent, pushRecipientsOfInbox } from "../../adapters/db/repositories/push.ts";
import type { Db } from "../../adapters/db/database.ts";
import type { PushKind, PushPayload } from "../../protocol/push.ts";
import { oneLine, visitorLabel } from "../chat/visitorLabel.ts";
import type { DomainDeps } from "../ports.ts";

// What goes to the agents' devices by web push. Rows are queued in the transaction that records what
// they announce (one `push.notify` outbox row per device, so one device failing never resends to the
// others) and hold only ids: the text is made when the row is delivered, so an erased visitor's
// words never wait in the outbox, and a call no longer ringing is not announced at all.

export const PUSH_KIND = "push.notify";

/** One queued push: the device, and what it announces. */
export interface PushJob {
  subscriptionId: string;
  language: "tr" | "en";
  kind: PushKind;
  conversationId?: string;
  messageId?: string;
  callId?: string;
}

const texts = {
  newConversation: { en: "New conversation", tr: "Yeni sohbet" },
  incomingCall: { en: "Incoming call", tr: "Gelen arama" },
  incomingVideoCall: { en: "Incoming video call", tr: "Gelen görüntülü arama" },
  accept: { en: "Accept", tr: "Kabul et" },
  reject: { en: "Reject", tr: "Reddet" },
  attachment: { en: "(attachment)", tr: "(ek)" },
} as const;

async function queue(trx: Db, recipients: PushRecipient[], job: Omit<PushJob, "subscriptionId" | "language">, at: number, fallback: "tr" | "en") {
  for (const recipient of recipients) {
    const payload: PushJob = { ...job, subscriptionId: recipient.subscriptionId, language: recipient.language ?? fallback };
    await enqueueOutbox(trx, PUSH_KIND, payload, at);
  }
}

/**
 * A visitor wrote: a new conversation goes to every device of the agents who see its inbox; a message
 * in an assigned conversation to the assignee's devices. Call inside the message's transaction.
 */
export async function queueVisitorMessagePush(
  deps: DomainDeps,
  trx: Db,
  input: { conversation: { id: string; inbox_id: string; assignee_id: string | null }; messageId: string; isNew: boolean; at: number },
): Promise<void> {
  const { conversation, messageId, isNew, at } = input;
  if (isNew) {
    await queue(trx, await pushRecipientsOfInbox(trx, conversation.inbox_id), { kind: "conversation", conversationId: conversation.id, messageId }, at, deps.defaultLanguage);
  } else if (conversation.assignee_id) {
    await queue(trx, await pushRecipientsOfAgent(trx, conversation.assignee_id), { kind: "message", conversationId: conversation.id, messageId }, at, deps.defaultLanguage);
  }
}

/** A call rings: every device of the agents who see its inbox. Call inside the call's transaction. */
export async function queueCallPush(deps: DomainDeps, trx: Db, call: { id: string; inbox_id: string; created_at: number }): Promise<void> {
  await queue(trx, await pushRecipientsOfInbox(trx, call.inbox_id), { kind: "call", callId: call.id }, call.created_at, deps.defaultLanguage);
}

/** What a push of a new conversation or message says: the visitor, and what they wrote. */
async function messagePayload(deps: DomainDeps, job: PushJob): Promise<PushPayload | null> {
  if (!job.conversationId || !job.messageId) return null;
  const conversation = await findConversation(deps.db, job.conversationId);
  const message = await findMessage(deps.db, job.messageId);
  const visitor = conversation && (await findVisitor(deps.db, conversation.visitor_id));
  if (!conversation || !message || !visitor) return null;
  const who = visitorLabel(visitor);
  const said = oneLine(message.body, 200) || texts.attachment[job.language];
  return {
    kind: job.kind,
    title: job.kind === "conversation" ? texts.newConversation[job.language] : who,
    body: job.kind === "conversation" ? `${who}: ${said}` : said,
    path: `/conversations/${encodeURIComponent(conversation.id)}`,
    tag: `conversation:${conversation.id}`,
  };
}

/**
 * The notification a queued push shows, made now; null when there is nothing left to announce (the
 * conversation was erased, the call is no longer ringing). `ttlS`: how long the push service keeps it.
 */
export async function renderPush(deps: DomainDeps, job: PushJob): Promise<{ payload: PushPayload; ttlS: number; urgency: "high" | "normal" } | null> {
  if (job.kind !== "call") {
    const payload = await messagePayload(deps, job);
    return payload && { payload, ttlS: 24 * 3600, urgency: "high" };
  }
  const call = job.callId ? await findCall(deps.db, job.callId) : undefined;
  if (call?.status !== "queued") return null;
  const visitor = await findVisitor(deps.db, call.visitor_id);
  const ringTimeoutMs = (await deps.settings.current()).ringTimeoutS * 1000;
  const leftS = Math.ceil((call.created_at + ringTimeoutMs - deps.clock.now()) / 1000);
  if (leftS <= 0) return null;
  return {
    payload: {
      kind: "call",
      title: texts[call.media === "video" ? "incomingVideoCall" : "incomingCall"][job.language],
      body: visitor ? visitorLabel(visitor) : "",
      path: `/calls/${encodeURIComponent(call.id)}`,
      tag: `call:${call.id}`,
      actions: [
        { action: "accept", title: texts.accept[job.language] },
        { action: "reject", title: texts.reject[job.language] },
      ],
    },
    ttlS: leftS,
    urgency: "high",
  };
}
