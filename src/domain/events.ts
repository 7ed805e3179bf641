import type { VisitorRow } from "../adapters/db/repositories/chat.ts";
import type { CallView, IceServer } from "../protocol/calls.ts";
import type { ConversationSummary, MessageView, ReceiptsView, VisitorConversationView } from "../protocol/chat.ts";
import type { CallbackView } from "../protocol/callbacks.ts";
import type { MentionNotice, TimelineEventView } from "../protocol/timeline.ts";

/**
 * What happened in chat and calls, published after the transaction committed. Subscribers (the socket
 * gateway) fan these out; the socket adapter carries their socket messages to other nodes. The types
 * in CLUSTER_EVENTS also reach the subscribers of every other node (through Redis, when it is set).
 */
export type DomainEvent =
  | { type: "message.created"; visitorId: string; message: MessageView; conversation: ConversationSummary; isNewConversation: boolean }
  | { type: "conversation.updated"; visitorId: string; conversation: ConversationSummary; visitorView: VisitorConversationView }
  | { type: "receipts.updated"; visitorId: string; conversationId: string; inboxId: string; side: "agent" | "visitor"; receipts: ReceiptsView }
  /** A note or a change of a conversation: consoles only, never a visitor. */
  | { type: "timeline.event"; inboxId: string; event: TimelineEventView }
  /** The label catalogue changed (a label added, renamed, recoloured or deleted): consoles fetch it again. */
  | { type: "labels.changed" }
  /** A note mentions this agent. */
  | { type: "mention"; agentId: string; notice: MentionNotice }
  /** A call-back request was made or marked done: consoles only. */
  | { type: "callbacks.changed"; callback: CallbackView }
  /** An inbox's business hours were changed: widgets ask again whether anyone answers. */
  | { type: "availability.changed"; inboxId: string }
  /** The call queue changed (a call came, was taken, ended or was missed). */
  | { type: "calls.changed" }
  /** `visitorIceServers`: the caller's TURN credentials for the live call, handed over with the news. */
  | { type: "call.accepted"; call: CallView; visitorIceServers: IceServer[] }
  | { type: "call.ended"; call: CallView }
  /** Contact `fromVisitorId` was merged into `into`: widgets connected as the former now act as the latter. */
  | { type: "visitor.merged"; fromVisitorId: string; into: VisitorRow }
  /** These visitors were erased (a privacy request): their widgets still connected are disconnected. */
  | { type: "visitor.erased"; visitorIds: string[] }
  /**
   * Attachment storage is at its quota: `crossed` when this upload filled it (later ones are refused
   * until space is freed), false when an upload was refused.
   */
  | { type: "storage.quota_reached"; usedBytes: number; quotaBytes: number; crossed: boolean }
  /** An agent's console connected or left on some node, or the agent chose another status. */
  | { type: "presence.changed"; agentId: string }
  /**
   * A console session ended (`sessionId` null: every session of the agent). With a `reason` (the
   * account was disabled, its second factor reset) the open consoles are told it before they are cut.
   */
  | { type: "session.ended"; agentId: string; sessionId: string | null; reason?: string }
  /** An admin saved install settings: every node reads them again at once. */
  | { type: "settings.changed"; keys: string[] };

/**
 * The events other nodes must hear too (a call's recorder legs may live on another node; settings
 * are cached per node). Every other event stays on the node that published it: what sockets must
 * see of it, the socket adapter already carries to every node.
 */
export const CLUSTER_EVENTS: ReadonlySet<DomainEvent["type"]> = new Set(["call.ended", "presence.changed", "session.ended", "settings.changed"]);

/** Where an event comes from: `remote` when another node published it. */
export interface EventOrigin {
  remote: boolean;
}

export type EventListener = (event: DomainEvent, origin: EventOrigin) => void;

export interface EventSink {
  publish(event: DomainEvent): void;
}

/**
 * The bus of domain events: in-process on a single node (LocalBus), or carrying CLUSTER_EVENTS to
 * every node through Redis (RedisBus). Subscribers hear each event once, in the order each node
 * published them; a failing subscriber never breaks the publisher or the other subscribers.
 */
export interface EventBus extends EventSink {
  subscribe(listener: EventListener): () => void;
  /** Resolves once events of other nodes are heard (at once for LocalBus). */
  ready(): Promise<void>;
  close(): Promise<void>;
}
