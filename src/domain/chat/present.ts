import type { AgentRow } from "../../adapters/db/repositories/agents.ts";
import type { AttachmentRow, ConversationRow, MessageRow, VisitorRow } from "../../adapters/db/repositories/chat.ts";
import type { LabelRow } from "../../adapters/db/repositories/labels.ts";
import type { LabelView } from "../../protocol/labels.ts";
import type { AttachmentView, ConversationSummary, MessageView, VisitorConversationView } from "../../protocol/chat.ts";
import type { DomainDeps } from "../ports.ts";

type AttachmentKind = AttachmentRow["kind"];
import { type LinkKind, signedLink } from "../signedLinks.ts";

const iso = (ms: number) => new Date(ms).toISOString();

/** Attachment links: an hour long, signed for files only, with the attachment-link key. */
export const fileLinks = (deps: Pick<DomainDeps, "keys">): LinkKind => ({ path: "/files", purpose: "file", key: deps.keys.attachmentLinks, ttlSeconds: 60 * 60 });

/**
 * An expiring, signed link to one attachment; whoever may see the message gets one. It is a path,
 * not a full URL: the console and the widget frame both live on destek's own origin, whatever host
 * name the browser used to reach it.
 */
export function signedFileUrl(deps: DomainDeps, attachmentId: string): string {
  return signedLink(deps.clock, fileLinks(deps), attachmentId);
}

export function presentAttachment(deps: DomainDeps, row: AttachmentRow): AttachmentView {
  if (row.deleted_at !== null) {
    return { id: row.id, kind: row.kind, mime: row.mime, size: row.size, fileName: "", width: null, height: null, durationMs: null, url: "", removed: true };
  }
  return {
    id: row.id,
    kind: row.kind,
    mime: row.mime,
    size: row.size,
    fileName: row.file_name,
    width: row.width,
    height: row.height,
    durationMs: row.duration_ms,
    url: signedFileUrl(deps, row.id),
  };
}

export function presentMessage(
  deps: DomainDeps,
  row: MessageRow,
  attachments: AttachmentRow[],
  authorName: string | null,
): MessageView {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    clientId: row.client_id,
    author: { type: row.author_type, id: row.author_id, name: authorName },
    body: row.body,
    via: row.via,
    attachments: attachments.filter((a) => a.message_id === row.id).map((a) => presentAttachment(deps, a)),
    createdAt: iso(row.created_at),
  };
}

/** A label as clients see it. */
export const presentLabel = (row: Pick<LabelRow, "id" | "name" | "colour">): LabelView => ({ id: row.id, name: row.name, colour: row.colour });

export function presentSummary(
  conversation: ConversationRow,
  visitor: Pick<VisitorRow, "id" | "name" | "email" | "phone" | "external_id">,
  assignee: Pick<AgentRow, "id" | "name"> | undefined,
  labels: ReadonlyArray<Pick<LabelRow, "id" | "name" | "colour">>,
): ConversationSummary {
  return {
    id: conversation.id,
    status: conversation.status,
    inboxId: conversation.inbox_id,
    assignee: assignee ? { id: assignee.id, name: assignee.name } : null,
    visitor: { id: visitor.id, name: visitor.name, email: visitor.email, phone: visitor.phone, verified: visitor.external_id !== null },
    pageUrl: conversation.page_url,
    lastMessage:
      conversation.last_message_author && conversation.last_message_preview !== null
        ? { ...readPreview(conversation.last_message_preview), authorType: conversation.last_message_author, createdAt: iso(conversation.last_message_at) }
        : null,
    lastSeq: conversation.last_seq,
    unread: conversation.unread_for_agents,
    visitorReceipts: { deliveredSeq: conversation.visitor_delivered_seq, readSeq: conversation.visitor_read_seq },
    labels: labels.map(presentLabel),
    createdAt: iso(conversation.created_at),
    updatedAt: iso(conversation.updated_at),
  };
}

export function presentForVisitor(conversation: ConversationRow, assignee: Pick<AgentRow, "name"> | undefined): VisitorConversationView {
  return {
    id: conversation.id,
    status: conversation.status,
    lastSeq: conversation.last_seq,
    agentReceipts: { deliveredSeq: conversation.agent_delivered_seq, readSeq: conversation.agent_read_seq },
    assignee: assignee ? { name: assignee.name } : null,
  };
}

// An attachment-only message is stored as a mark (Telegram shows it as is); the console draws an
// icon with words instead, as emoji render as boxes on machines without an emoji font.
const IMAGE_MARK = "📷";
const VOICE_MARK = "🎤";
const FILE_MARK = "📎 ";

/** The one-line preview kept on the conversation for the inbox list. */
export function previewOf(body: string, attachments: Pick<AttachmentRow, "kind" | "file_name">[]): string {
  const text = body.replace(/\s+/g, " ").trim();
  if (text) return text.slice(0, 200);
  const first = attachments[0];
  if (!first) return "";
  return first.kind === "image" ? IMAGE_MARK : first.kind === "voice" ? VOICE_MARK : `${FILE_MARK}${first.file_name}`.slice(0, 200);
}

/** A stored preview as text plus the kind of attachment it stands for (the file's name is the text of a file). */
export function readPreview(preview: string): { body: string; attachment: AttachmentKind | null } {
  if (preview === IMAGE_MARK) return { body: "", attachment: "image" };
  if (preview === VOICE_MARK) return { body: "", attachment: "voice" };
  if (preview.startsWith(FILE_MARK)) return { body: preview.slice(FILE_MARK.length), attachment: "file" };
  return { body: preview, attachment: null };
}

/** A history entry's preview: its text, and the kind of attachment an attachment-only message sent. */
export function historyPreview(preview: string | null): { lastMessage: string | null; lastAttachment: AttachmentKind | null } {
  if (preview === null) return { lastMessage: null, lastAttachment: null };
  const { body, attachment } = readPreview(preview);
  return { lastMessage: body, lastAttachment: attachment };
}
