// Types only: the protocol module uses zod, which must never reach the console bundle.
import type {
	AgentCallClientEvents,
	AgentCallServerEvents,
	CallsState,
	CallView,
	IceServer,
} from "../../../../src/protocol/calls";
import type {
	Ack,
	AgentClientEvents as ChatClientEvents,
	AgentServerEvents as ChatServerEvents,
	AttachmentView,
	ConversationSummary,
	MessageView,
	ReceiptsView,
} from "../../../../src/protocol/chat";
import type { SearchSnippet } from "../../../../src/protocol/search";
import type { AgentStatus, AgentStatusClientEvents, AgentStatusServerEvents, AgentStatusView, TeamAgent } from "../../../../src/protocol/agentStatus";
import type { AgentLabelServerEvents } from "../../../../src/protocol/labels";
import type { AgentCallbackServerEvents } from "../../../../src/protocol/callbacks";

import type {
	AgentTimelineClientEvents,
	AgentTimelineServerEvents,
	MentionNotice,
	RatingView,
	TimelineEventView,
	TimelineResponse,
} from "../../../../src/protocol/timeline";

export type AgentClientEvents = ChatClientEvents & AgentCallClientEvents & AgentTimelineClientEvents & AgentStatusClientEvents;
export type AgentServerEvents = ChatServerEvents & AgentCallServerEvents & AgentTimelineServerEvents & AgentStatusServerEvents & AgentLabelServerEvents & AgentCallbackServerEvents;
export type { AgentStatus, AgentStatusView, TeamAgent };
export type { MentionNotice, RatingView, TimelineEventView, TimelineResponse };
export type { SearchSnippet };
export type { Ack, AttachmentView, CallsState, CallView, IceServer, ConversationSummary, MessageView, ReceiptsView };

export type ConversationStatus = ConversationSummary["status"];
/** Which conversations by assignee: "all", "me", "unassigned", or one agent's id. */
export type AssigneeFilter = string;
/** One status tab, or every status. */
export type StatusFilter = ConversationStatus | "all";

/** Mirrors the server's MAX_MESSAGE_LENGTH (a value the console cannot import without zod). */
export const MAX_MESSAGE_LENGTH = 4000;
/** The server accepts at most this many attachments on one message. */
export const MAX_ATTACHMENTS = 10;

export interface ConversationPage {
	conversations: ConversationSummary[];
	/** Opaque; pass back as `cursor` for the next page, null on the last one. */
	nextCursor: string | null;
	/** With a search query: the matching snippet of each listed conversation, by id. */
	matches?: Record<string, SearchSnippet>;
}

export interface ConversationCounts {
	open: number;
	pending: number;
	resolved: number;
	unread: number;
}

export interface VisitorDetails {
	id: string;
	name: string | null;
	email: string | null;
	phone: string | null;
	language: string | null;
	userAgent: string | null;
	pageUrl: string | null;
	pageTitle: string | null;
	firstSeenAt: string;
	lastSeenAt: string;
}

/** One of the visitor's other conversations. */
export interface HistoryEntry {
	id: string;
	status: ConversationStatus;
	createdAt: string;
	lastMessageAt: string | null;
	lastMessage: string | null;
	lastAttachment: AttachmentKind | null;
}

export interface ConversationDetails {
	conversation: ConversationSummary;
	visitor: VisitorDetails;
	history: HistoryEntry[];
	/** The visitor's latest ratings, newest first. */
	ratings: RatingView[];
}


/** What an attachment-only message sent, for list previews. */
export type AttachmentKind = AttachmentView["kind"];
