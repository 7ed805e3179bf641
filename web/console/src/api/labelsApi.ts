// Types only: the protocol module uses zod, which must never reach the console bundle.
import type { ConversationLabels, FilterOptions, LabelList, LabelView } from "../../../../src/protocol/labels";
import type { AuthorizedRequest } from "./accountApi";

export type { FilterOptions, LabelView };

const labelPath = (id: string) => `/api/labels/${encodeURIComponent(id)}`;
const conversationLabelsPath = (conversationId: string) => `/api/conversations/${encodeURIComponent(conversationId)}/labels`;

/** Labels over HTTP: the catalogue (admins change it), a conversation's labels, the inbox filter options. */
export function createLabelsApi(request: AuthorizedRequest) {
	return {
		list: () => request<LabelList>("GET", "/api/labels").then((body) => body.labels),
		create: (label: { name: string; colour: string }) =>
			request<{ label: LabelView }>("POST", "/api/labels", label).then((body) => body.label),
		update: (id: string, changes: { name?: string; colour?: string }) =>
			request<{ label: LabelView }>("PATCH", labelPath(id), changes).then((body) => body.label),
		remove: (id: string) => request<void>("DELETE", labelPath(id)),
		addToConversation: (conversationId: string, labelId: string) =>
			request<ConversationLabels>("POST", conversationLabelsPath(conversationId), { labelId }).then((body) => body.labels),
		removeFromConversation: (conversationId: string, labelId: string) =>
			request<ConversationLabels>("DELETE", `${conversationLabelsPath(conversationId)}/${encodeURIComponent(labelId)}`).then(
				(body) => body.labels,
			),
		filterOptions: () => request<FilterOptions>("GET", "/api/conversations/filters"),
	};
}

export type LabelsApi = ReturnType<typeof createLabelsApi>;
