// Types only: the protocol module uses zod, which must never reach the console bundle.
import type { CallbackList, CallbackStatus, CallbackView, InboxHoursResponse } from "../../../../src/protocol/callbacks";
import type { BusinessHours } from "../../../../src/protocol/inboxes";
import type { AuthorizedRequest } from "./accountApi";

export type { BusinessHours, CallbackList, CallbackStatus, CallbackView, InboxHoursResponse };

/** Call-back requests (every agent) and an inbox's business hours (admins). */
export function createCallbacksApi(request: AuthorizedRequest) {
	return {
		list: (status: CallbackStatus) => request<CallbackList>("GET", `/api/callbacks?status=${status}`),
		markDone: (id: string) =>
			request<{ callback: CallbackView }>("POST", `/api/callbacks/${encodeURIComponent(id)}/done`).then((body) => body.callback),
		hours: (inboxId: string) => request<InboxHoursResponse>("GET", `/api/inboxes/${encodeURIComponent(inboxId)}/hours`),
		saveHours: (inboxId: string, hours: BusinessHours) =>
			request<InboxHoursResponse>("PUT", `/api/inboxes/${encodeURIComponent(inboxId)}/hours`, hours),
	};
}

export type CallbacksApi = ReturnType<typeof createCallbacksApi>;
