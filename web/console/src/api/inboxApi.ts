import type { AuthorizedRequest } from "./accountApi";
import type {
	AssigneeFilter,
	AttachmentView,
	ConversationCounts,
	ConversationDetails,
	ConversationPage,
	MessageView,
	StatusFilter,
	TeamAgent,
	TimelineResponse,
} from "./inboxTypes";

export const CONVERSATION_PAGE_SIZE = 30;
export const MESSAGE_PAGE_SIZE = 50;

export interface ConversationQuery {
	status: StatusFilter;
	assignee: AssigneeFilter;
	/** An inbox id, or "" for every inbox. */
	inbox: string;
	/** A label id, or "" for any. */
	label: string;
	q: string;
	cursor: string | null;
}

function conversationPath(id: string, rest = ""): string {
	return `/api/conversations/${encodeURIComponent(id)}${rest}`;
}

/** REST endpoints of the inbox; live updates and replies go over the socket instead. */
export function createInboxApi(request: AuthorizedRequest) {
	return {
		listConversations(query: ConversationQuery) {
			const params = new URLSearchParams({
				status: query.status,
				assignee: query.assignee,
				limit: String(CONVERSATION_PAGE_SIZE),
			});
			if (query.inbox) params.set("inbox", query.inbox);
			if (query.label) params.set("label", query.label);
			if (query.q) params.set("q", query.q);
			if (query.cursor) params.set("cursor", query.cursor);
			return request<ConversationPage>("GET", `/api/conversations?${params}`);
		},

		counts: () => request<ConversationCounts>("GET", "/api/conversations/counts"),

		conversation: (id: string) => request<ConversationDetails>("GET", conversationPath(id)),

		olderMessages(id: string, beforeSeq: number) {
			const params = new URLSearchParams({ beforeSeq: String(beforeSeq), limit: String(MESSAGE_PAGE_SIZE) });
			return request<{ messages: MessageView[] }>("GET", conversationPath(id, `/messages?${params}`));
		},

		timeline: (id: string) => request<TimelineResponse>("GET", conversationPath(id, "/timeline")),

		uploadAttachment(conversationId: string, file: File) {
			const form = new FormData();
			form.append("file", file, file.name);
			return request<{ attachment: AttachmentView }>("POST", conversationPath(conversationId, "/attachments"), form);
		},

		team: () => request<{ agents: TeamAgent[] }>("GET", "/api/team"),
	};
}

export type InboxApi = ReturnType<typeof createInboxApi>;
