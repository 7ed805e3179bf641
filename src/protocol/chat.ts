import { z } from "zod";
import { labelView } from "./labels.ts";
import { nulFree, text } from "./text.ts";
import type { WidgetAvailability } from "./callbacks.ts";
import { noticeVersion } from "./privacy.ts";

// The chat protocol shared by the server, the widget and the console. Clients import these types
// only (`import type`), so zod never reaches their bundles; the server validates every payload.

export const MAX_MESSAGE_LENGTH = 4000;

export const clientId = z.string().regex(/^[\w-]{8,64}$/, "must be 8-64 letters, digits, - or _");
export const conversationId = z.uuid();
export const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const attachmentView = z.object({
  id: z.string(),
  kind: z.enum(["image", "voice", "file"]),
  mime: z.string(),
  size: z.number(),
  fileName: z.string(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  durationMs: z.number().nullable(),
  /** Signed, expiring URL; only the conversation's visitor and agents get one. Empty once removed. */
  url: z.string(),
  /** The file was deleted after its retention period (ATTACHMENT_RETENTION_DAYS); the name is gone too. */
  removed: z.boolean().optional(),
});
export type AttachmentView = z.infer<typeof attachmentView>;

export const messageView = z.object({
  id: z.string(),
  conversationId: z.string(),
  seq: z.number(),
  clientId: z.string(),
  author: z.object({ type: z.enum(["visitor", "agent", "system"]), id: z.string().nullable(), name: z.string().nullable() }),
  body: z.string(),
  via: z.enum(["widget", "console", "telegram", "system", "email", "api"]),
  attachments: z.array(attachmentView),
  createdAt: z.string(),
});
export type MessageView = z.infer<typeof messageView>;

/** Delivery state of one side's messages, as the other side has seen them. */
export const receiptsView = z.object({ deliveredSeq: z.number(), readSeq: z.number() });
export type ReceiptsView = z.infer<typeof receiptsView>;

export const visitorConversationView = z.object({
  id: z.string(),
  status: z.enum(["open", "pending", "resolved"]),
  lastSeq: z.number(),
  /** How far agents have received / read the visitor's messages (ticks in the widget). */
  agentReceipts: receiptsView,
  assignee: z.object({ name: z.string() }).nullable(),
});
export type VisitorConversationView = z.infer<typeof visitorConversationView>;

export const visitorProfile = z.object({
  name: text().trim().min(1).max(100).optional(),
  email: z.email().max(200).check(nulFree).optional(),
  phone: z.string().trim().regex(/^\+?[\d\s().-]{5,30}$/, "must be a phone number").optional(),
});
export type VisitorProfile = z.infer<typeof visitorProfile>;

export const conversationSummary = z.object({
  id: z.string(),
  status: z.enum(["open", "pending", "resolved"]),
  /** The inbox (website) it came through. */
  inboxId: z.string(),
  assignee: z.object({ id: z.string(), name: z.string() }).nullable(),
  visitor: z.object({
    id: z.string(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    /** A signed-in user of the site, verified by its signature (see protocol/identity.ts). */
    verified: z.boolean(),
  }),
  pageUrl: z.string().nullable(),
  lastMessage: z
    .object({
      body: z.string(),
      /** What an attachment-only message sent (its file name is the body of a file); null for text. */
      attachment: z.enum(["image", "voice", "file"]).nullable(),
      authorType: z.enum(["visitor", "agent", "system"]),
      createdAt: z.string(),
    })
    .nullable(),
  lastSeq: z.number(),
  /** Visitor messages after the last one an agent read. */
  unread: z.number(),
  visitorReceipts: receiptsView,
  /** Its labels, by name (agents only: the visitor's view has none). */
  labels: z.array(labelView),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ConversationSummary = z.infer<typeof conversationSummary>;

// ---- payloads sent by clients (validated on the server) ----

export const visitorSend = z.object({
  clientId,
  body: text().max(MAX_MESSAGE_LENGTH).default(""),
  attachmentIds: z.array(z.string().uuid()).max(10).default([]),
  // Shown to agents as a link: http(s) only, so `javascript:` can never reach the console.
  pageUrl: z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).max(2000).check(nulFree).optional(),
  /** The privacy notice version the visitor agreed to (the widget config's `privacy.version`), when the inbox asks. */
  privacyConsent: noticeVersion.optional(),
});
export const agentSend = visitorSend.omit({ pageUrl: true, privacyConsent: true }).extend({ conversationId });
export const visitorSync = z.object({ afterSeq: seq.default(0) });
export const agentOpen = z.object({ conversationId, afterSeq: seq.default(0) });
export const typingPayload = z.object({ typing: z.boolean() });
export const agentTyping = typingPayload.extend({ conversationId });
export const receiptPayload = z.object({ seq, kind: z.enum(["delivered", "read"]) });
export const agentReceipt = receiptPayload.extend({ conversationId });
export const assignPayload = z.object({ conversationId, agentId: z.uuid().nullable() });
/** The visitor asks for the transcript of their resolved conversation; `email` when none is known yet. */
export const transcriptRequest = z.object({ email: z.email().max(200).check(nulFree).optional() });
export const statusPayload = z.object({ conversationId, status: z.enum(["open", "pending", "resolved"]) });

/**
 * A refusal carries a stable `id`; one by a limit also `retryAfterMs` (the client waits that long
 * before trying again); `details` holds what the client needs to put it right (e.g. the mode to ask consent for).
 */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: { id: string; message: string; retryAfterMs?: number; details?: Record<string, string> } };

// ---- socket event maps ----

/**
 * A refused `/visitor` handshake: the connect_error's message is the id, and its `data` is this.
 * With `retryAfterMs` (a limit), the widget waits that long before connecting again.
 */
export interface ConnectRefusal {
  id: string;
  retryAfterMs?: number;
}

/** Whether the server mails visitors (SMTP set up), and whether it has this visitor's address. */
export interface VisitorMailState {
  enabled: boolean;
  known: boolean;
}

/** Namespace `/visitor`; handshake `auth: { visitorToken, language?, identity? }` (identity: see protocol/identity.ts). */
export interface VisitorClientEvents {
  "conversation:sync": (payload: z.input<typeof visitorSync>, ack: (a: Ack<{ conversation: VisitorConversationView | null; messages: MessageView[]; agentsOnline: boolean; callsAvailable: boolean; mail: VisitorMailState; availability: WidgetAvailability; privacyConsent: string | null }>) => void) => void;
  "message:send": (payload: z.input<typeof visitorSend>, ack: (a: Ack<{ message: MessageView }>) => void) => void;
  "profile:update": (payload: VisitorProfile, ack: (a: Ack<{ ok: true }>) => void) => void;
  typing: (payload: z.input<typeof typingPayload>) => void;
  receipt: (payload: z.input<typeof receiptPayload>) => void;
  "transcript:request": (payload: z.input<typeof transcriptRequest>, ack: (a: Ack<{ email: string }>) => void) => void;
}
export interface VisitorServerEvents {
  "message:new": (message: MessageView) => void;
  /** Agents received/read the visitor's messages up to these seqs. */
  receipts: (payload: { conversationId: string } & ReceiptsView) => void;
  typing: (payload: { typing: boolean; name: string | null }) => void;
  "agents:presence": (payload: { online: boolean }) => void;
  "conversation:updated": (payload: VisitorConversationView) => void;
}

/** Namespace `/agent`; handshake `auth: { token: <access JWT> }`. */
export interface AgentClientEvents {
  "conversation:open": (payload: z.input<typeof agentOpen>, ack: (a: Ack<{ conversation: ConversationSummary; messages: MessageView[] }>) => void) => void;
  "message:send": (payload: z.input<typeof agentSend>, ack: (a: Ack<{ message: MessageView }>) => void) => void;
  typing: (payload: z.input<typeof agentTyping>) => void;
  receipt: (payload: z.input<typeof agentReceipt>) => void;
  "conversation:assign": (payload: z.input<typeof assignPayload>, ack: (a: Ack<{ conversation: ConversationSummary }>) => void) => void;
  "conversation:status": (payload: z.input<typeof statusPayload>, ack: (a: Ack<{ conversation: ConversationSummary }>) => void) => void;
}
export interface AgentServerEvents {
  "message:new": (payload: { message: MessageView; conversation: ConversationSummary }) => void;
  "conversation:updated": (conversation: ConversationSummary) => void;
  typing: (payload: { conversationId: string; typing: boolean }) => void;
  /** The visitor received/read agent messages up to these seqs. */
  receipts: (payload: { conversationId: string } & ReceiptsView) => void;
  "session:ended": (payload: { reason: string }) => void;
  /** The agent's inboxes (or their members) changed: the console reloads its list of inboxes. */
  "inboxes:changed": (payload: Record<string, never>) => void;
}

/**
 * The names of a client event map, from a record the compiler checks against the map: an event
 * added to the map without its name here does not compile. Tests walk these lists (fuzzing, access).
 */
export const clientEventNames = <Events>(names: Record<keyof Events & string, true>): Array<keyof Events & string> =>
  Object.keys(names) as Array<keyof Events & string>;

/** Every chat event a widget sends on `/visitor`. */
export const VISITOR_CHAT_EVENTS = clientEventNames<VisitorClientEvents>({
  "conversation:sync": true,
  "message:send": true,
  "profile:update": true,
  typing: true,
  receipt: true,
  "transcript:request": true,
});

/** Every chat event a console sends on `/agent`. */
export const AGENT_CHAT_EVENTS = clientEventNames<AgentClientEvents>({
  "conversation:open": true,
  "message:send": true,
  typing: true,
  receipt: true,
  "conversation:assign": true,
  "conversation:status": true,
});
