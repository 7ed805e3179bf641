import type { CallView } from "../protocol/calls.ts";
import type { ConversationSummary, MessageView, ReceiptsView, VisitorConversationView } from "../protocol/chat.ts";

/**
 * What happened in chat and calls, published after the transaction committed. Subscribers (the socket
 * gateway) fan these out; the socket adapter carries them to other nodes.
 */
export type DomainEvent =
  | { type: "message.created"; visitorId: string; message: MessageView; conversation: ConversationSummary; isNewConversation: boolean }
  | { type: "conversation.updated"; visitorId: string; conversation: ConversationSummary; visitorView: VisitorConversationView }
  | { type: "receipts.updated"; visitorId: string; conversationId: string; side: "agent" | "visitor"; receipts: ReceiptsView }
  /** The call queue changed (a call came, was taken, ended or was missed). */
  | { type: "calls.changed" }
  | { type: "call.accepted"; call: CallView }
  | { type: "call.ended"; call: CallView }
  /** An upload filled the attachment storage to its quota: later uploads are refused until space is freed. */
  | { type: "storage.quota_reached"; usedBytes: number; quotaBytes: number };

export interface EventSink {
  publish(event: DomainEvent): void;
}
