import { z } from "zod";
import { callView } from "./calls.ts";
import { conversationSummary, messageView } from "./chat.ts";
import { nulFree } from "./text.ts";
import { ratingView } from "./timeline.ts";

// Outgoing webhooks: what an admin registers (`/api/webhooks`), what each delivery posts, and the
// delivery log the console shows. Clients import types only.

export const WEBHOOK_EVENTS = ["conversation.created", "message.created", "conversation.resolved", "call.missed", "call.ended", "rating.created"] as const;
export const webhookEventName = z.enum(WEBHOOK_EVENTS);
export type WebhookEventName = z.infer<typeof webhookEventName>;

/** A bound on the webhooks of one install, so one event never fans out without end. */
export const MAX_WEBHOOKS = 20;

/** The headers of every delivery (see README, "Webhooks", to verify them). */
export const WEBHOOK_HEADERS = {
  signature: "X-Destek-Signature",
  timestamp: "X-Destek-Timestamp",
  delivery: "X-Destek-Delivery",
  event: "X-Destek-Event",
} as const;

const actorRef = z.object({ type: z.enum(["agent", "visitor", "system"]), id: z.string().nullable(), name: z.string().nullable() });

const conversationAndMessage = z.object({ conversation: conversationSummary, message: messageView });
const callAndConversation = z.object({ call: callView, conversationId: z.string().nullable() });

function envelope<E extends WebhookEventName, D extends z.ZodType>(event: E, data: D) {
  return z.object({ event: z.literal(event), id: z.string(), timestamp: z.string(), data });
}

/**
 * The JSON body of a delivery: `event`, `id` (the event's id, the same in a redelivery),
 * `timestamp` (ISO 8601, when it happened) and the event's `data`.
 */
export const webhookPayload = z.discriminatedUnion("event", [
  envelope("conversation.created", conversationAndMessage),
  envelope("message.created", conversationAndMessage),
  envelope("conversation.resolved", z.object({ conversation: conversationSummary, resolvedBy: actorRef })),
  envelope("call.missed", callAndConversation),
  envelope("call.ended", callAndConversation),
  envelope("rating.created", z.object({ conversation: conversationSummary, rating: ratingView })),
]);
export type WebhookPayload = z.infer<typeof webhookPayload>;

export const webhookView = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(webhookEventName),
  enabled: z.boolean(),
  /** The signing secret: admins copy it into the receiver. */
  secret: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WebhookView = z.infer<typeof webhookView>;

export const webhookDeliveryView = z.object({
  id: z.string(),
  event: webhookEventName,
  eventId: z.string(),
  /** pending: waiting for its first or next try; delivered: a 2xx came back; failed: given up on. */
  status: z.enum(["pending", "delivered", "failed"]),
  attempts: z.number(),
  createdAt: z.string(),
  lastAttemptAt: z.string().nullable(),
  /** When a pending delivery is tried next. */
  nextAttemptAt: z.string().nullable(),
  /** The receiver's HTTP status of the last try; null when it did not answer. */
  responseStatus: z.number().nullable(),
  /** The start of the receiver's last answer. */
  responseSnippet: z.string().nullable(),
  /** Why the last try failed (a timeout, a refused connection, a non-2xx status). */
  error: z.string().nullable(),
  /** The delivery this one sends again. */
  redeliveryOf: z.string().nullable(),
});
export type WebhookDeliveryView = z.infer<typeof webhookDeliveryView>;

// Length and address rules are checked in the domain, with error ids of their own.
const webhookUrl = z.string().max(2000).check(nulFree);
const eventList = z.array(webhookEventName).min(1, "choose at least one event").max(WEBHOOK_EVENTS.length);

export const newWebhook = z.object({ url: webhookUrl, events: eventList, enabled: z.boolean().optional() }).strict();
export const webhookChanges = z.object({ url: webhookUrl.optional(), events: eventList.optional(), enabled: z.boolean().optional() }).strict();
export const webhookIdParams = z.object({ id: z.uuid() });
export const webhookDeliveryParams = z.object({ id: z.uuid(), deliveryId: z.uuid() });
export const deliveriesQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });

export const webhookList = z.object({ webhooks: z.array(webhookView) });
export type WebhookList = z.infer<typeof webhookList>;
export const webhookDeliveryList = z.object({ deliveries: z.array(webhookDeliveryView) });
export type WebhookDeliveryList = z.infer<typeof webhookDeliveryList>;
