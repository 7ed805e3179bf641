import { randomUUID } from "node:crypto";
import { claimDelivery, dueDeliveries, findWebhook, pruneDeliveries, settleDelivery, type WebhookDeliveryRow } from "../db/repositories/webhooks.ts";
import type { AppDeps } from "../../deps.ts";
import { queueWebhookDeliveries, webhookEventNamesOf } from "../../domain/webhooks/webhookEvents.ts";
import { secretOf } from "../../domain/webhooks/webhooks.ts";
import { type BackgroundJob, WorkerPause } from "../backgroundJob.ts";
import { postWebhook } from "./webhookSender.ts";

/** Waits after the 1st, 2nd… failed try: 8 tries over about 23 hours, then the delivery is marked failed. */
export const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 30 * 60_000, 60 * 60_000, 3 * 60 * 60_000, 6 * 60 * 60_000, 12 * 60 * 60_000];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** Finished deliveries stay in the log this long. */
export const DELIVERY_LOG_DAYS = 30;

const BATCH = 50;
const PRUNE_EVERY_MS = 60 * 60_000;

export interface WebhookJobOptions {
  /** Pause between rounds when there was nothing to do. */
  idleMs?: number;
  /** The time limit of one try (connect, send, first bytes of the answer). */
  timeoutMs?: number;
  /** Deliveries posted at once; a batch never holds two of one webhook and conversation. */
  concurrency?: number;
}

export interface WebhookJob extends BackgroundJob {
  /** Look for work now. */
  kick(): void;
}

/**
 * Outgoing webhooks: hears the domain events this node publishes and queues a delivery per
 * webhook that takes each, then posts due deliveries with retries and backoff. Deliveries are
 * claimed with a lease, so on several nodes each is posted by one of them; a webhook's deliveries
 * of one conversation go one after another, in the order their events happened on this node.
 */
export function startWebhookJob(deps: AppDeps, options: WebhookJobOptions = {}): WebhookJob {
  const { domain, log } = deps;
  const idleMs = options.idleMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const concurrency = options.concurrency ?? 8;
  // A try's lease outlasts its time limit, so no other node takes it over while it is still posting.
  const leaseMs = timeoutMs + 60_000;
  const allowPrivate = deps.config.webhooks.allowPrivate;
  const owner = randomUUID();
  let stopped = false;
  const pause = new WorkerPause();
  let lastPrune = 0;
  /** Webhooks whose secret this node cannot read, already logged (once each, not every round). */
  const unreadable = new Set<string>();

  // Events are queued one after another, each at a later time than the one before, so their
  // deliveries sort in the order the events were published even within one millisecond.
  let queuing: Promise<unknown> = Promise.resolve();
  let nextAt = 0;
  const unsubscribe = deps.bus.subscribe((event, origin) => {
    // A call's end reaches every node; the node that published it queues its deliveries.
    if (origin.remote || webhookEventNamesOf(event).length === 0) return;
    const at = Math.max(domain.clock.now(), nextAt);
    nextAt = at + 2; // conversation.created and message.created take at and at + 1
    queuing = queuing
      .then(() => queueWebhookDeliveries(domain, event, at))
      .then((queued) => {
        if (queued > 0) pause.wake();
      })
      .catch((err: unknown) => log.error({ err, event: event.type }, "queuing webhook deliveries failed"));
  });

  const backoff = (attempts: number) => {
    const base = RETRY_DELAYS_MS[Math.min(attempts, RETRY_DELAYS_MS.length) - 1] ?? 60_000;
    return Math.round(base * (0.9 + Math.random() * 0.2));
  };

  /** Posts one due delivery; false when it was not ours to post (taken by another node, webhook off or unreadable). */
  const deliver = async (row: WebhookDeliveryRow): Promise<boolean> => {
    const webhook = await findWebhook(domain.db, row.webhook_id);
    if (webhook?.enabled !== 1) return false;
    let secret: string;
    try {
      secret = secretOf(domain, webhook);
    } catch (err) {
      // Sealed under another SECRET_KEY (nodes must share one): leave it for a node that can read it.
      if (!unreadable.has(webhook.id)) log.error({ err, webhookId: webhook.id }, "cannot read a webhook's signing secret: is SECRET_KEY the same on every node?");
      unreadable.add(webhook.id);
      return false;
    }
    if (!(await claimDelivery(domain.db, row, owner, domain.clock.now() + leaseMs, domain.clock.now()))) return false;
    const attempts = row.attempts + 1;
    const answer = await postWebhook(
      { url: webhook.url, body: row.body, secret, deliveryId: row.id, event: row.event, timestamp: Math.floor(domain.clock.now() / 1000) },
      { timeoutMs, allowPrivate },
    );
    const now = domain.clock.now();
    const reply = { response_status: answer.status, response_snippet: answer.snippet?.slice(0, 1000) ?? null, last_error: answer.error };
    const context = { deliveryId: row.id, webhookId: webhook.id, event: row.event, attempts, status: answer.status };
    if (answer.error === null) {
      await settleDelivery(domain.db, row.id, owner, { ...reply, status: "delivered", delivered_at: now });
      log.debug(context, "webhook delivered");
    } else if (attempts >= MAX_ATTEMPTS) {
      await settleDelivery(domain.db, row.id, owner, { ...reply, status: "failed" });
      log.warn({ ...context, reason: answer.error }, "webhook delivery given up after its last try");
    } else {
      await settleDelivery(domain.db, row.id, owner, { ...reply, next_attempt_at: now + backoff(attempts) });
      log.info({ ...context, reason: answer.error }, "webhook delivery failed; will retry");
    }
    return true;
  };

  /** One pass over the due deliveries; true when it posted any, so the next pass starts at once. */
  const round = async (): Promise<boolean> => {
    if (domain.clock.now() - lastPrune > PRUNE_EVERY_MS) {
      lastPrune = domain.clock.now();
      await pruneDeliveries(domain.db, lastPrune - DELIVERY_LOG_DAYS * 24 * 60 * 60_000);
    }
    const due = await dueDeliveries(domain.db, domain.clock.now(), BATCH);
    // The due query holds back every delivery behind an earlier pending one of its webhook and
    // conversation, so the batch can be posted side by side without breaking any order.
    let next = 0;
    let posted = false;
    const worker = async () => {
      while (!stopped) {
        const row = due[next++];
        if (!row) return;
        const worked = await deliver(row).catch((err: unknown) => {
          log.error({ err, deliveryId: row.id }, "webhook delivery failed unexpectedly");
          return false;
        });
        posted ||= worked;
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, due.length) }, worker));
    return posted;
  };

  const loop = (async () => {
    while (!stopped) {
      const busy = await round().catch((err: unknown) => {
        log.error({ err }, "webhook round failed");
        return false;
      });
      if (stopped) break;
      if (busy) continue;
      await pause.wait(idleMs);
    }
  })();

  return {
    kick: () => pause.wake(),
    async stop() {
      unsubscribe();
      stopped = true;
      pause.wake();
      await loop;
      await queuing;
    },
  };
}
