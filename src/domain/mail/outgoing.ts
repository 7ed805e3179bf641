import { attachmentsOf, findConversation, findVisitor, latestConversationOf, type VisitorRow } from "../../adapters/db/repositories/chat.ts";
import { enqueueOutbox, type OutboxRow } from "../../adapters/db/repositories/outbox.ts";
import { conflict, invalid, rateLimited } from "../errors.ts";
import type { DomainDeps } from "../ports.ts";
import { mailLanguage, mailLines, transcriptMail, unseenRepliesMail } from "./compose.ts";
import type { OutgoingMail } from "./mailPort.ts";
import { replyAddress } from "./replyAddress.ts";

export const UNSEEN_REPLIES_KIND = "email.unseen_replies";
export const TRANSCRIPT_KIND = "email.transcript";
const TRANSCRIPTS_PER_HOUR = 3;

/** What composing a mail needs besides the domain: names and where replies go. */
export interface MailSettings {
  team: string;
  /** MAIL_REPLY_DOMAIN when the SMTP listener runs; undefined: no Reply-To. */
  replyDomain: string | undefined;
}

interface UnseenRepliesPayload {
  conversationId: string;
  afterSeq: number;
  upToSeq: number;
}

/**
 * Queues one mail per conversation whose agent replies the visitor has not read within `delayMs`,
 * if the visitor left an e-mail address. Each conversation's mark (`email_notified_seq`) moves in
 * the transaction that queues the mail, and only from the value read: on several nodes, one wins.
 */
export async function queueUnseenReplyMails(deps: DomainDeps, delayMs: number): Promise<number> {
  const dueBefore = deps.clock.now() - delayMs;
  const candidates = await deps.db
    .selectFrom("conversations")
    .innerJoin("visitors", "visitors.id", "conversations.visitor_id")
    .select(["conversations.id", "conversations.email_notified_seq", "conversations.visitor_read_seq"])
    .where("visitors.email", "is not", null)
    .whereRef("conversations.email_notified_seq", "<", "conversations.last_seq")
    .whereRef("conversations.visitor_read_seq", "<", "conversations.last_seq")
    .limit(50)
    .execute();
  let queued = 0;
  for (const candidate of candidates) {
    const after = Math.max(candidate.email_notified_seq, candidate.visitor_read_seq);
    const later = await deps.db
      .selectFrom("messages")
      .select(["seq", "created_at", "author_type"])
      .where("conversation_id", "=", candidate.id)
      .where("seq", ">", after)
      .orderBy("seq")
      .execute();
    const replies = later.filter((message) => message.author_type === "agent");
    const first = replies[0];
    if (!first) {
      // Only the visitor's own messages since: nothing to mail, and no reason to look at them again.
      const lastSeen = later.at(-1)?.seq;
      if (lastSeen !== undefined) await passOver(deps, candidate.id, candidate.email_notified_seq, lastSeen);
      continue;
    }
    if (first.created_at > dueBefore) continue;
    const upToSeq = replies.at(-1)?.seq ?? first.seq;
    const claimed = await deps.db.transaction().execute(async (trx) => {
      const moved = await trx
        .updateTable("conversations")
        .set({ email_notified_seq: upToSeq })
        .where("id", "=", candidate.id)
        .where("email_notified_seq", "=", candidate.email_notified_seq)
        .executeTakeFirst();
      if (moved.numUpdatedRows === 0n) return false;
      const payload: UnseenRepliesPayload = { conversationId: candidate.id, afterSeq: after, upToSeq };
      await enqueueOutbox(trx, UNSEEN_REPLIES_KIND, payload, deps.clock.now());
      return true;
    });
    if (claimed) queued++;
  }
  return queued;
}

/** Moves a conversation's mark past messages that need no mail, unless another node moved it first. */
async function passOver(deps: DomainDeps, conversationId: string, from: number, to: number): Promise<void> {
  await deps.db.updateTable("conversations").set({ email_notified_seq: to }).where("id", "=", conversationId).where("email_notified_seq", "=", from).execute();
}

/** The visitor asks for the transcript of their resolved conversation by e-mail (given now, or known). */
export async function requestTranscript(deps: DomainDeps, visitor: VisitorRow, email: string | undefined, inboxId?: string): Promise<{ email: string }> {
  const conversation = await latestConversationOf(deps.db, visitor.id, inboxId);
  if (!conversation) throw invalid("conversation_not_found", "There is no conversation to send.");
  if (conversation.status !== "resolved") throw conflict("conversation_not_resolved", "The transcript can be sent once the conversation is resolved.");
  const address = email ?? visitor.email;
  if (!address) throw invalid("email_required", "Enter your e-mail address to receive the transcript.");
  // Each request sends a mail to an address the visitor typed: a few an hour, so nobody mails a stranger in bulk.
  const { allowed, retryAfterMs } = await deps.limiter.consume(`transcript:${visitor.id}`, TRANSCRIPTS_PER_HOUR, 3_600_000);
  if (!allowed) throw rateLimited(retryAfterMs);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    if (email && email !== visitor.email) await trx.updateTable("visitors").set({ email }).where("id", "=", visitor.id).execute();
    await enqueueOutbox(trx, TRANSCRIPT_KIND, { conversationId: conversation.id, email: address }, now);
  });
  return { email: address };
}

/** The mail a queued row stands for, composed at sending time; null when there is nothing left to send. */
export async function composeQueuedMail(deps: DomainDeps, row: OutboxRow, settings: MailSettings): Promise<OutgoingMail | null> {
  const payload = JSON.parse(row.payload) as Partial<UnseenRepliesPayload> & { email?: string };
  const conversation = payload.conversationId ? await findConversation(deps.db, payload.conversationId) : undefined;
  const visitor = conversation && (await findVisitor(deps.db, conversation.visitor_id));
  if (!conversation || !visitor) return null;
  const language = mailLanguage(visitor.language, deps.defaultLanguage);
  const replyTo = settings.replyDomain ? replyAddress(deps.keys, conversation.id, settings.replyDomain) : undefined;
  const timezone = deps.calls.timezone;
  if (row.kind === UNSEEN_REPLIES_KIND) {
    // Read in the meantime (the visitor came back): nothing to tell.
    if (!visitor.email || conversation.visitor_read_seq >= (payload.upToSeq ?? 0)) return null;
    const messages = await messagesBetween(deps, conversation.id, payload.afterSeq ?? 0, payload.upToSeq ?? 0, true);
    if (messages.length === 0) return null;
    const lines = mailLines(messages, await authorNames(deps, messages), await fileNames(deps, messages), language);
    return { to: visitor.email, replyTo, ...unseenRepliesMail(lines, language, settings.team, timezone) };
  }
  if (row.kind === TRANSCRIPT_KIND) {
    const to = payload.email ?? visitor.email;
    if (!to) return null;
    const messages = await messagesBetween(deps, conversation.id, 0, undefined, false);
    const lines = mailLines(messages, await authorNames(deps, messages), await fileNames(deps, messages), language);
    return { to, replyTo, ...transcriptMail(lines, language, settings.team, timezone) };
  }
  return null;
}

/** Visitor and agent messages only: system lines (and anything agents keep to themselves) never go out. */
function messagesBetween(deps: DomainDeps, conversationId: string, afterSeq: number, upToSeq: number | undefined, agentsOnly: boolean) {
  let query = deps.db
    .selectFrom("messages")
    .selectAll()
    .where("conversation_id", "=", conversationId)
    .where("seq", ">", afterSeq)
    .where("author_type", "in", agentsOnly ? ["agent"] : ["agent", "visitor"]);
  if (upToSeq !== undefined) query = query.where("seq", "<=", upToSeq);
  return query.orderBy("seq").execute();
}

async function authorNames(deps: DomainDeps, messages: Array<{ author_id: string | null; author_type: string }>): Promise<Map<string, string>> {
  const ids = [...new Set(messages.filter((m) => m.author_type === "agent" && m.author_id).map((m) => m.author_id as string))];
  if (ids.length === 0) return new Map();
  const rows = await deps.db.selectFrom("agents").select(["id", "name"]).where("id", "in", ids).execute();
  return new Map(rows.map((row) => [row.id, row.name]));
}

async function fileNames(deps: DomainDeps, messages: Array<{ id: string }>): Promise<Map<string, string[]>> {
  const files = new Map<string, string[]>();
  if (messages.length === 0) return files;
  for (const attachment of await attachmentsOf(deps.db, messages.map((m) => m.id))) {
    if (!attachment.message_id || attachment.deleted_at !== null) continue;
    files.set(attachment.message_id, [...(files.get(attachment.message_id) ?? []), attachment.file_name]);
  }
  return files;
}

