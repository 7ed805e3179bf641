// Types only: the protocol module uses zod, which must never reach the console bundle.
import type { InboxListResponse, InboxResponse, InboxView } from "../../../../src/protocol/inboxes";
import type { AuthorizedRequest } from "./accountApi";

export type { InboxView };

const inboxPath = (id: string, rest = "") => `/api/inboxes/${encodeURIComponent(id)}${rest}`;

/** Inboxes (one per website): every agent lists the ones they see; admins change them. */
export function createInboxesApi(request: AuthorizedRequest) {
	return {
		list: () => request<InboxListResponse>("GET", "/api/inboxes").then((body) => body.inboxes),
		get: (id: string) => request<InboxResponse>("GET", inboxPath(id)).then((body) => body.inbox),
		create: (name: string) => request<InboxResponse>("POST", "/api/inboxes", { name }).then((body) => body.inbox),
		rename: (id: string, name: string) => request<InboxResponse>("PATCH", inboxPath(id), { name }).then((body) => body.inbox),
		remove: (id: string) => request<void>("DELETE", inboxPath(id)),
		setMembers: (id: string, agentIds: string[]) =>
			request<InboxResponse>("PUT", inboxPath(id, "/members"), { agentIds }).then((body) => body.inbox),
	};
}

export type InboxesApi = ReturnType<typeof createInboxesApi>;
