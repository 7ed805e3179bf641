// Types only: the protocol module uses zod, which must never reach the console bundle.
import type { WebhookDeliveryList, WebhookDeliveryView, WebhookEventName, WebhookList, WebhookView } from "../../../../src/protocol/webhooks";
import type { AuthorizedRequest } from "./accountApi";

export type { WebhookDeliveryView, WebhookEventName, WebhookView };

/** The events a webhook can take, in the order the form lists them (the protocol's WEBHOOK_EVENTS). */
export const WEBHOOK_EVENT_NAMES: readonly WebhookEventName[] = [
	"conversation.created",
	"message.created",
	"conversation.resolved",
	"call.missed",
	"call.ended",
	"rating.created",
];

const webhookPath = (id: string) => `/api/webhooks/${encodeURIComponent(id)}`;

/** Outgoing webhooks over HTTP (admins): the list, changes, the signing secret and the delivery log. */
export function createWebhooksApi(request: AuthorizedRequest) {
	return {
		list: () => request<WebhookList>("GET", "/api/webhooks").then((body) => body.webhooks),
		create: (webhook: { url: string; events: WebhookEventName[] }) =>
			request<{ webhook: WebhookView }>("POST", "/api/webhooks", webhook).then((body) => body.webhook),
		update: (id: string, changes: { url?: string; events?: WebhookEventName[]; enabled?: boolean }) =>
			request<{ webhook: WebhookView }>("PATCH", webhookPath(id), changes).then((body) => body.webhook),
		remove: (id: string) => request<void>("DELETE", webhookPath(id)),
		rollSecret: (id: string) => request<{ webhook: WebhookView }>("POST", `${webhookPath(id)}/secret`, {}).then((body) => body.webhook),
		deliveries: (id: string) => request<WebhookDeliveryList>("GET", `${webhookPath(id)}/deliveries`).then((body) => body.deliveries),
		redeliver: (id: string, deliveryId: string) =>
			request<{ delivery: WebhookDeliveryView }>("POST", `${webhookPath(id)}/deliveries/${encodeURIComponent(deliveryId)}/redeliver`, {}).then(
				(body) => body.delivery,
			),
	};
}

export type WebhooksApi = ReturnType<typeof createWebhooksApi>;
