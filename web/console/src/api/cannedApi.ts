// Types only: the protocol module uses zod, which must never reach the console bundle.
import type { CannedReplyList, CannedReplyScope, CannedReplyView } from "../../../../src/protocol/cannedReplies";
import type { AuthorizedRequest } from "./accountApi";

export type { CannedReplyScope, CannedReplyView };

/** Canned replies over HTTP: the agent's usable set (shared and own), and changes to it. */
export function createCannedApi(request: AuthorizedRequest) {
	return {
		list: (q = "") =>
			request<CannedReplyList>("GET", `/api/canned-replies${q ? `?${new URLSearchParams({ q })}` : ""}`).then(
				(body) => body.cannedReplies,
			),
		create: (reply: { scope: CannedReplyScope; shortcut: string; text: string }) =>
			request<{ cannedReply: CannedReplyView }>("POST", "/api/canned-replies", reply).then((body) => body.cannedReply),
		update: (id: string, changes: { shortcut: string; text: string }) =>
			request<{ cannedReply: CannedReplyView }>("PATCH", `/api/canned-replies/${encodeURIComponent(id)}`, changes).then(
				(body) => body.cannedReply,
			),
		remove: (id: string) => request<void>("DELETE", `/api/canned-replies/${encodeURIComponent(id)}`),
	};
}

export type CannedApi = ReturnType<typeof createCannedApi>;
