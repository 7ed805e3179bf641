import type { ConversationSummary, MessageView, ReceiptsView, VisitorConversationView } from "../../protocol/chat.ts";

/**
 * What happened in chat, published after the transaction committed. Subscribers (the socket
 * gateway) fan these out; the socket adapter carries them to other nodes.
 */
export type ChatEvent =
  | { type: "message.created"; visitorId: string; message: MessageView; conversation: ConversationSummary; isNewConversation: boolean }
  | { type: "conversation.updated"; visitorId: string; conversation: ConversationSummary; visitorView: VisitorConversationView }
  | { type: "receipts.updated"; visitorId: string; conversationId: string; side: "agent" | "visitor"; receipts: ReceiptsView };

export interface EventSink {
  publish(event: ChatEvent): void;
}
