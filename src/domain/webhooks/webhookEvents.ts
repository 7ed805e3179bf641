import { randomUUID } from "node:crypto";
import { findCall } from "../../adapters/db/repositories/calls.ts";
import { findConversation, findVisitor } from "../../adapters/db/repositories/chat.ts";
import { enabledWebhooks, insertDeliveries, type WebhookDeliveryRow } from "../../adapters/db/repositories/webhooks.ts";
import type { WebhookEventName, WebhookPayload } from "../../protocol/webhooks.ts";
import { summaryOf } from "../chat/conversations.ts";
import type { DomainEvent } from "../events.ts";
import type { DomainDeps } from "../ports.ts";
import { eventsOf } from "./webhooks.ts";

// Which domain events become which webhook events, and queuing one delivery per webhook that takes
// it. A new conversation's first message gives `conversation.created` then `message.created`;
// resolving and rating come from the conversation's timeline; a call that ends gives `call.missed`
// when nobody answered it, else `call.ended` (data.call.status tells ended, rejected or refused).

/** The webhook events a domain event may give, known without reading anything. */
export function webhookEventNamesOf(event: DomainEvent): WebhookEventName[] {
  switch (event.type) {
    case "message.created":
      return event.isNewConversation ? ["conversation.created", "message.created"] : ["message.created"];
    case "timeline.event":
      return event.event.kind === "resolved" ? ["conversation.resolved"] : event.event.kind === "rated" ? ["rating.created"] : [];
    case "call.ended":
      return [event.call.status === "missed" ? "call.missed" : "call.ended"];
    default:
      return [];
  }
}

interface Occurrence {
  event: WebhookEventName;
  /** The conversation: a webhook's deliveries of one conversation keep their order. */
  orderKey: string | null;
  data: unknown;
}

async function conversationSummary(deps: DomainDeps, id: string) {
  const conversation = await findConversation(deps.db, id);
  const visitor = conversation && (await findVisitor(deps.db, conversation.visitor_id));
  return conversation && visitor ? summaryOf(deps, conversation, visitor) : undefined;
}

/** The webhook events of a domain event, with their data; empty when what they describe is gone. */
async function occurrencesOf(deps: DomainDeps, event: DomainEvent): Promise<Occurrence[]> {
  switch (event.type) {
    case "message.created": {
      const data = { conversation: event.conversation, message: event.message };
      const orderKey = event.conversation.id;
      return webhookEventNamesOf(event).map((name) => ({ event: name, orderKey, data }));
    }
    case "timeline.event": {
      const view = event.event;
      const conversation = await conversationSummary(deps, view.conversationId);
      if (!conversation) return [];
      if (view.kind === "resolved") return [{ event: "conversation.resolved", orderKey: conversation.id, data: { conversation, resolvedBy: view.actor } }];
      if (view.kind === "rated") {
        const rating = { conversationId: conversation.id, score: view.score ?? 0, comment: view.body, updatedAt: view.createdAt };
        return [{ event: "rating.created", orderKey: conversation.id, data: { conversation, rating } }];
      }
      return [];
    }
    case "call.ended": {
      const conversationId = (await findCall(deps.db, event.call.id))?.conversation_id ?? null;
      const [name] = webhookEventNamesOf(event);
      return name ? [{ event: name, orderKey: conversationId, data: { call: event.call, conversationId } }] : [];
    }
    default:
      return [];
  }
}

/**
 * Queues a delivery of each webhook event `event` gives to every enabled webhook that takes it.
 * `at` orders them: a later call must pass a later `at` (see the webhook job). Returns how many were queued.
 */
export async function queueWebhookDeliveries(deps: DomainDeps, event: DomainEvent, at: number): Promise<number> {
  const names = webhookEventNamesOf(event);
  if (names.length === 0) return 0;
  const webhooks = (await enabledWebhooks(deps.db)).map((row) => ({ id: row.id, events: new Set(eventsOf(row)) }));
  if (!webhooks.some((w) => names.some((name) => w.events.has(name)))) return 0;
  const rows: WebhookDeliveryRow[] = [];
  let step = 0;
  for (const occurrence of await occurrencesOf(deps, event)) {
    const id = randomUUID();
    const payload = { event: occurrence.event, id, timestamp: new Date(at).toISOString(), data: occurrence.data } as WebhookPayload;
    const body = JSON.stringify(payload);
    // conversation.created goes before its first message.created: one millisecond apart.
    const createdAt = at + step++;
    for (const webhook of webhooks) {
      if (!webhook.events.has(occurrence.event)) continue;
      rows.push({
        id: randomUUID(),
        webhook_id: webhook.id,
        event: occurrence.event,
        event_id: id,
        order_key: occurrence.orderKey,
        body,
        status: "pending",
        attempts: 0,
        next_attempt_at: createdAt,
        lease_owner: null,
        created_at: createdAt,
        last_attempt_at: null,
        delivered_at: null,
        response_status: null,
        response_snippet: null,
        last_error: null,
        redelivery_of: null,
      });
    }
  }
  await insertDeliveries(deps.db, rows);
  return rows.length;
}
