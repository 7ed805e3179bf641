import { createHash } from "node:crypto";
import { findConversation, findVisitor, type VisitorRow } from "../../adapters/db/repositories/chat.ts";
import { uploadAttachment } from "../chat/attachments.ts";
import { sendVisitorMessage, type SentMessage } from "../chat/messages.ts";
import { DomainError, forbidden, invalid, notFound, rateLimited } from "../errors.ts";
import type { DomainDeps } from "../ports.ts";
import { conversationOfReplyAddress } from "./replyAddress.ts";
import { trimReply } from "./trimReply.ts";

const REPLIES_PER_HOUR = 30;

export interface IncomingFile {
  fileName: string | undefined;
  content: Buffer;
}

/**
 * Whom a reply to `recipient` from `sender` reaches: a conversation whose visitor left `sender` as
 * their e-mail. Anything else is refused before the mail's content is taken (no open relay, no
 * posting into a conversation from an address its visitor never gave).
 */
export async function acceptReplyRecipient(deps: DomainDeps, recipient: string, sender: string, domain: string): Promise<{ conversationId: string; visitor: VisitorRow }> {
  const conversationId = conversationOfReplyAddress(deps.keys, recipient, domain);
  const conversation = conversationId ? await findConversation(deps.db, conversationId) : undefined;
  const visitor = conversation && (await findVisitor(deps.db, conversation.visitor_id));
  if (!conversation || !visitor) throw notFound("unknown_recipient", "No such recipient here.");
  if (!visitor.email || visitor.email.toLowerCase() !== sender.trim().toLowerCase()) {
    throw forbidden("sender_not_visitor", "This address may only be written to from the e-mail address the visitor gave.");
  }
  return { conversationId: conversation.id, visitor };
}

/**
 * A visitor's e-mail reply becomes their next message, quoted text and signature trimmed, with its
 * attachments checked as widget uploads are (a refused file is left out, the text still arrives).
 * The Message-ID makes it idempotent: a mail server delivering the same mail twice stores it once.
 */
export async function receiveEmailReply(
  deps: DomainDeps,
  input: { visitor: VisitorRow; messageId: string | undefined; text: string; files: IncomingFile[]; remoteAddress: string },
): Promise<{ sent: SentMessage; refusedFiles: string[] }> {
  const { allowed, retryAfterMs } = await deps.limiter.consume(`mail-in:${input.visitor.id}`, REPLIES_PER_HOUR, 3_600_000);
  if (!allowed) throw rateLimited(retryAfterMs);
  const body = trimReply(input.text).slice(0, 4000);
  const attachmentIds: string[] = [];
  const refusedFiles: string[] = [];
  for (const file of input.files.slice(0, 10)) {
    try {
      const view = await uploadAttachment(deps, { uploader: `visitor:${input.visitor.id}`, data: file.content, fileName: file.fileName, voice: false, truncated: false });
      attachmentIds.push(view.id);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      refusedFiles.push(file.fileName ?? "?");
    }
  }
  if (!body && attachmentIds.length === 0) throw invalid("message_empty", "The reply is empty once the quoted mail is taken away.");
  const key = input.messageId ?? `${input.visitor.id}:${body}:${deps.clock.now()}`;
  const clientId = `mail-${createHash("sha256").update(key).digest("hex").slice(0, 40)}`;
  const sent = await sendVisitorMessage(deps, input.visitor, { clientId, body, attachmentIds, origin: { address: input.remoteAddress }, via: "email" });
  return { sent, refusedFiles };
}
