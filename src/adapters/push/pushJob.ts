import { randomUUID } from "node:crypto";
import { claimOutbox, dueOutbox, markOutboxDead, markOutboxSent, type OutboxRow, retryOutboxAt } from "../db/repositories/outbox.ts";
import { deletePushSubscription, findDeliverablePushSubscription, markPushSent } from "../db/repositories/push.ts";
import { type PushJob, renderPush } from "../../domain/push/pushNotifications.ts";
import { pushKeys } from "../../domain/push/pushKeys.ts";
import type { AppDeps } from "../../deps.ts";
import { type BackgroundJob, WorkerPause } from "../backgroundJob.ts";
import { type PushOutcome, sendPush } from "./pushSender.ts";

const BATCH = 50;
const IDLE_MS = 1000;
const WAKE_SETTLE_MS = 50;
const LEASE_MS = 60_000;
const MAX_BACKOFF_MS = 10 * 60_000;
/** Tries of a push the service keeps failing (a ringing call's push stops mattering long before). */
const DEAD_AFTER_FAILURES = 5;
/** Tries of a push the service refuses outright (400, 401, 403, 413). */
const DEAD_AFTER_REFUSALS = 2;

export interface PushJobOptions {
  /** Replaces the network call (tests of what is sent to whom). */
  send?: typeof sendPush;
  /** Called after each round: tests wait for it instead of sleeping. */
  onRound?: () => void;
}

/**
 * Delivers queued web pushes (`push.*` outbox rows) to the agents' devices: each row is leased, so
 * on several nodes each push goes out once; a failure is retried with backoff; a device whose push
 * service answers 404 or 410 (unsubscribed, uninstalled) is removed. Wakes at once when a message or
 * a call is announced, so a ringing call reaches the phone within the second.
 */
export function startPushJob(deps: AppDeps, options: PushJobOptions = {}): BackgroundJob {
  const { domain, log } = deps;
  const send = options.send ?? sendPush;
  const owner = randomUUID();
  let stopped = false;
  // Every chat message wakes this worker, and most find nothing to send: wakes within 50 ms make one round.
  const pause = new WorkerPause({ settleMs: WAKE_SETTLE_MS });
  let again = false;

  const backoff = (attempts: number) => Math.min(2 ** Math.min(attempts, 20) * 1000, MAX_BACKOFF_MS);

  const deliver = async (row: OutboxRow): Promise<void> => {
    if (!(await claimOutbox(domain.db, row, owner, domain.clock.now() + LEASE_MS))) return;
    const attempts = row.attempts + 1;
    const job = JSON.parse(row.payload) as PushJob;
    const context = { outboxId: row.id, subscriptionId: job.subscriptionId, kind: job.kind, attempts };
    let outcome: PushOutcome;
    try {
      const subscription = await findDeliverablePushSubscription(domain.db, job.subscriptionId);
      const push = subscription && (await renderPush(domain, job));
      if (!subscription || !push) {
        // The device was removed (or its agent disabled), or nothing is left to announce (the call stopped ringing).
        await markOutboxSent(domain.db, row.id, owner, domain.clock.now());
        return;
      }
      const keys = await pushKeys(domain.db, domain.clock.now());
      outcome = await send(subscription, push.payload, { vapid: { subject: deps.config.push.subject, ...keys }, ttlS: push.ttlS, urgency: push.urgency });
    } catch (error) {
      outcome = { result: "failed", permanent: false, reason: error instanceof Error ? error.message : String(error) };
    }
    const now = domain.clock.now();
    switch (outcome.result) {
      case "sent":
        deps.metrics.pushSent.inc({ result: "sent" });
        await markPushSent(domain.db, job.subscriptionId, now);
        await markOutboxSent(domain.db, row.id, owner, now);
        return;
      case "gone":
        deps.metrics.pushSent.inc({ result: "gone" });
        await deletePushSubscription(domain.db, job.subscriptionId);
        await markOutboxSent(domain.db, row.id, owner, now);
        log.info({ ...context, status: outcome.status }, "push subscription gone; device removed");
        return;
      case "failed":
        if (attempts >= (outcome.permanent ? DEAD_AFTER_REFUSALS : DEAD_AFTER_FAILURES)) {
          deps.metrics.pushSent.inc({ result: "dead" });
          await markOutboxDead(domain.db, row.id, owner, outcome.reason);
          log.error({ ...context, reason: outcome.reason }, "push notification given up (dead-lettered)");
          return;
        }
        deps.metrics.pushSent.inc({ result: "retry" });
        await retryOutboxAt(domain.db, row.id, owner, now + backoff(attempts), outcome.reason);
        log.warn({ ...context, reason: outcome.reason }, "push notification failed; will retry");
    }
  };

  const round = async (): Promise<boolean> => {
    const rows = await dueOutbox(domain.db, domain.clock.now(), BATCH, "push.");
    for (const row of rows) {
      if (stopped) break;
      await deliver(row);
    }
    return rows.length === BATCH;
  };

  const unsubscribe = deps.bus.subscribe((event) => {
    if (event.type !== "message.created" && event.type !== "calls.changed") return;
    again = true;
    pause.wake();
  });

  const loop = (async () => {
    while (!stopped) {
      again = false;
      const more = await round().catch((err: unknown) => {
        log.error({ err }, "push round failed");
        return false;
      });
      options.onRound?.();
      if (stopped) break;
      if (more || again) continue;
      await pause.wait(IDLE_MS);
    }
  })();

  return {
    async stop() {
      stopped = true;
      unsubscribe();
      pause.wake();
      await loop;
    },
  };
}
