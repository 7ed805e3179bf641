import type { NewPushSubscription, PushDevicesResponse, PushDeviceView } from "../../../../src/protocol/push";
import type { AuthorizedRequest } from "./accountApi";

/** The signed-in agent's push devices: the VAPID key to subscribe with, the list, add this browser, remove one. */
export function createPushApi(request: AuthorizedRequest) {
	return {
		devices: () => request<PushDevicesResponse>("GET", "/api/me/push-subscriptions"),
		add: (subscription: NewPushSubscription) => request<PushDeviceView>("POST", "/api/me/push-subscriptions", subscription),
		remove: (id: string) => request<void>("DELETE", `/api/me/push-subscriptions/${encodeURIComponent(id)}`),
	};
}

export type PushApi = ReturnType<typeof createPushApi>;
