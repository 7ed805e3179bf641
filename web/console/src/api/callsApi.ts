// Types only: the protocol module uses zod, which must never reach the console bundle.
import type {
	CallHistoryEntry,
	CallHistoryPage,
	CallHistoryStatus,
	RecordingView,
} from "../../../../src/protocol/callHistory";
import type { AuthorizedRequest } from "./accountApi";

export type { CallHistoryEntry, CallHistoryPage, CallHistoryStatus, RecordingView };

export const CALL_PAGE_SIZE = 25;

export interface CallHistoryQuery {
	status: CallHistoryStatus | null;
	agentId: string | null;
	before: string | null;
	limit?: number;
}

/** Call history over HTTP: pages of calls and one call, each with signed recording links. */
export function createCallsApi(request: AuthorizedRequest) {
	return {
		list(query: CallHistoryQuery) {
			const params = new URLSearchParams({ limit: String(query.limit ?? CALL_PAGE_SIZE) });
			if (query.status) params.set("status", query.status);
			if (query.agentId) params.set("agentId", query.agentId);
			if (query.before) params.set("before", query.before);
			return request<CallHistoryPage>("GET", `/api/calls?${params}`);
		},
		call: (id: string) => request<{ call: CallHistoryEntry }>("GET", `/api/calls/${encodeURIComponent(id)}`),
	};
}

export type CallsApi = ReturnType<typeof createCallsApi>;
