import { randomUUID } from "node:crypto";
import {
  countWebhooks,
  deleteWebhook,
  deliveriesOf,
  findDelivery,
  findWebhook,
  insertDeliveries,
  insertWebhook,
  listWebhooks,
  updateWebhook,
  type WebhookDeliveryRow,
  type WebhookRow,
} from "../../adapters/db/repositories/webhooks.ts";
import { MAX_WEBHOOKS, type WebhookDeliveryView, type WebhookEventName, type WebhookView, WEBHOOK_EVENTS } from "../../protocol/webhooks.ts";
import { audit } from "../audit.ts";
import { decryptSecret, encryptSecret, newToken } from "../auth/secrets.ts";
import { conflict, forbidden, notFound } from "../errors.ts";
import type { Actor, DomainDeps } from "../ports.ts";
import { checkWebhookUrl } from "./webhookAddress.ts";

// Outgoing webhooks as admins manage them: a URL, the events it takes, a signing secret (generated,
// shown to admins, rolled on demand), on or off. Each change is audit-logged. The delivery log and
// Redeliver are here too; posting is the webhook job's (adapters/webhooks/webhookJob.ts).

type AgentActor = Extract<Actor, { type: "agent" }>;

export interface WebhookPolicy {
  /** WEBHOOK_ALLOW_PRIVATE: URLs may point at loopback and private addresses. */
  allowPrivate: boolean;
}

const missing = () => notFound("webhook_not_found", "No such webhook.");

function requireAdmin(actor: AgentActor): void {
  if (actor.role !== "admin") throw forbidden("admin_only", "Only admins can manage webhooks.");
}

/** A fresh signing secret, prefixed so it is recognisable in a receiver's configuration. */
function newSecret(): string {
  return `whsec_${newToken(24)}`;
}

/** The events a stored row takes, in the canonical order (unknown names are dropped). */
export function eventsOf(row: WebhookRow): WebhookEventName[] {
  const stored = new Set(JSON.parse(row.events) as string[]);
  return WEBHOOK_EVENTS.filter((event) => stored.has(event));
}

/** The signing secret of a webhook, in the clear. */
export function secretOf(deps: DomainDeps, row: WebhookRow): string {
  return decryptSecret(deps.keys.webhookSecrets, row.secret);
}

function present(deps: DomainDeps, row: WebhookRow): WebhookView {
  return {
    id: row.id,
    url: row.url,
    events: eventsOf(row),
    enabled: row.enabled === 1,
    secret: secretOf(deps, row),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function presentDelivery(row: WebhookDeliveryRow): WebhookDeliveryView {
  return {
    id: row.id,
    event: row.event as WebhookEventName,
    eventId: row.event_id,
    status: row.status,
    attempts: row.attempts,
    createdAt: new Date(row.created_at).toISOString(),
    lastAttemptAt: iso(row.last_attempt_at),
    nextAttemptAt: row.status === "pending" ? iso(row.next_attempt_at) : null,
    responseStatus: row.response_status,
    responseSnippet: row.response_snippet,
    error: row.last_error,
    redeliveryOf: row.redelivery_of,
  };
}

async function requireWebhook(deps: DomainDeps, id: string): Promise<WebhookRow> {
  const row = await findWebhook(deps.db, id);
  if (!row) throw missing();
  return row;
}

/** Every webhook, oldest first (admins). */
export async function listWebhookViews(deps: DomainDeps, actor: AgentActor): Promise<WebhookView[]> {
  requireAdmin(actor);
  return (await listWebhooks(deps.db)).map((row) => present(deps, row));
}

/** Registers a webhook with a generated secret (admins). */
export async function createWebhook(
  deps: DomainDeps,
  actor: AgentActor,
  input: { url: string; events: WebhookEventName[]; enabled?: boolean | undefined },
  policy: WebhookPolicy,
  ip?: string | null,
): Promise<WebhookView> {
  requireAdmin(actor);
  const url = checkWebhookUrl(input.url, policy.allowPrivate);
  if ((await countWebhooks(deps.db)) >= MAX_WEBHOOKS) throw conflict("webhook_limit", `There are at most ${MAX_WEBHOOKS} webhooks; delete one first.`);
  const now = deps.clock.now();
  const row: WebhookRow = {
    id: randomUUID(),
    url,
    events: JSON.stringify([...new Set(input.events)]),
    secret: encryptSecret(deps.keys.webhookSecrets, newSecret()),
    enabled: input.enabled === false ? 0 : 1,
    created_at: now,
    updated_at: now,
  };
  await insertWebhook(deps.db, row);
  await audit(deps.db, now, { actor, action: "webhook.create", target: { type: "webhook", id: row.id }, ip: ip ?? null, details: { url, events: eventsOf(row) } });
  return present(deps, row);
}

/** Changes a webhook's URL, events, or turns it on or off (admins). */
export async function editWebhook(
  deps: DomainDeps,
  actor: AgentActor,
  id: string,
  changes: { url?: string | undefined; events?: WebhookEventName[] | undefined; enabled?: boolean | undefined },
  policy: WebhookPolicy,
  ip?: string | null,
): Promise<WebhookView> {
  requireAdmin(actor);
  const row = await requireWebhook(deps, id);
  const now = deps.clock.now();
  const patch: Partial<WebhookRow> = { updated_at: now };
  if (changes.url !== undefined) patch.url = checkWebhookUrl(changes.url, policy.allowPrivate);
  if (changes.events !== undefined) patch.events = JSON.stringify([...new Set(changes.events)]);
  if (changes.enabled !== undefined) patch.enabled = changes.enabled ? 1 : 0;
  await updateWebhook(deps.db, id, patch);
  const updated = { ...row, ...patch };
  await audit(deps.db, now, {
    actor,
    action: "webhook.update",
    target: { type: "webhook", id },
    ip: ip ?? null,
    details: { url: updated.url, events: eventsOf(updated), enabled: updated.enabled === 1 },
  });
  return present(deps, updated);
}

/** Replaces the signing secret (admins): deliveries from now on are signed with the new one. */
export async function rollWebhookSecret(deps: DomainDeps, actor: AgentActor, id: string, ip?: string | null): Promise<WebhookView> {
  requireAdmin(actor);
  const row = await requireWebhook(deps, id);
  const now = deps.clock.now();
  const patch = { secret: encryptSecret(deps.keys.webhookSecrets, newSecret()), updated_at: now };
  await updateWebhook(deps.db, id, patch);
  await audit(deps.db, now, { actor, action: "webhook.secret_roll", target: { type: "webhook", id }, ip: ip ?? null });
  return present(deps, { ...row, ...patch });
}

/** Deletes a webhook and its delivery log (admins); pending deliveries are dropped with it. */
export async function removeWebhook(deps: DomainDeps, actor: AgentActor, id: string, ip?: string | null): Promise<void> {
  requireAdmin(actor);
  const row = await requireWebhook(deps, id);
  await deleteWebhook(deps.db, id);
  await audit(deps.db, deps.clock.now(), { actor, action: "webhook.delete", target: { type: "webhook", id }, ip: ip ?? null, details: { url: row.url } });
}

/** A webhook's latest deliveries, newest first (admins). */
export async function webhookDeliveries(deps: DomainDeps, actor: AgentActor, id: string, limit: number): Promise<WebhookDeliveryView[]> {
  requireAdmin(actor);
  await requireWebhook(deps, id);
  return (await deliveriesOf(deps.db, id, limit)).map(presentDelivery);
}

/**
 * Sends a delivery again (admins): a new delivery of the same event and body (the payload's `id`
 * stays, the delivery id is new), queued at once and logged like any other.
 */
export async function redeliver(deps: DomainDeps, actor: AgentActor, webhookId: string, deliveryId: string, ip?: string | null): Promise<WebhookDeliveryView> {
  requireAdmin(actor);
  await requireWebhook(deps, webhookId);
  const original = await findDelivery(deps.db, webhookId, deliveryId);
  if (!original) throw notFound("webhook_delivery_not_found", "No such delivery.");
  const now = deps.clock.now();
  const row: WebhookDeliveryRow = {
    id: randomUUID(),
    webhook_id: webhookId,
    event: original.event,
    event_id: original.event_id,
    // Not held behind the conversation's later events: it is a deliberate repeat of an old one.
    order_key: null,
    body: original.body,
    status: "pending",
    attempts: 0,
    next_attempt_at: now,
    lease_owner: null,
    created_at: now,
    last_attempt_at: null,
    delivered_at: null,
    response_status: null,
    response_snippet: null,
    last_error: null,
    redelivery_of: original.id,
  };
  await insertDeliveries(deps.db, [row]);
  await audit(deps.db, now, { actor, action: "webhook.redeliver", target: { type: "webhook", id: webhookId }, ip: ip ?? null, details: { deliveryId, event: original.event } });
  return presentDelivery(row);
}
