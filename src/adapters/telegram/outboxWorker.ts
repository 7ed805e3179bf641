import { randomUUID } from "node:crypto";
import type { Api } from "grammy";
import type { Logger } from "pino";
import { claimOutbox, dueOutbox, enqueueOutbox, markOutboxDead, markOutboxSent, markOutboxSummarized, type OutboxRow, retryOutboxAt } from "../db/repositories/outbox.ts";
import type { DomainDeps } from "../../domain/ports.ts";
import { teamAlertChats } from "../../domain/settings/teamChat.ts";
import type { Metrics } from "../../metrics.ts";
import { createDelivery, DEAD_LETTER_NOTICE_KIND } from "./outboxDelivery.ts";
import { classifyFailure, type Failure } from "./outboxFailures.ts";
import { holdLease } from "./outboxLease.ts";
import { WorkerPause } from "../backgroundJob.ts";

const BATCH = 20;
/** A claimed row's lease: short, so a row a killed node was sending is re-claimed within 15 s; renewed every 5 s while it sends. */
export const OUTBOX_LEASE_MS = 15_000;

export interface OutboxWorker {
  /** Look for work now (a message was just queued). */
  kick(): void;
  stop(): Promise<void>;
}

export interface OutboxWorkerOptions {
  deps: DomainDeps;
  api: Api;
  log: Logger;
  metrics: Metrics;
  isLeader: () => boolean;
  /** New conversations per minute past which the team chat gets one summary instead (TELEGRAM_ALERT_FLOOD_PER_MINUTE). */
  alertFloodPerMinute: number;
  /** TELEGRAM_MINI_APP_NAME: the direct-link Mini App for group chats' call alerts. */
  miniAppName?: string | undefined;
  /**
   * How long a claimed row stays ours without renewal (renewed every third of it while sending).
   * Also how long a row claimed by a node that died stays untouched before the next leader takes it.
   */
  leaseMs?: number;
  /** Longest wait between retries of a row. */
  maxBackoffMs?: number;
  /** Tries before an error that will not heal (chat not found, bot blocked, file missing) dead-letters the row. */
  deadAfterAttempts?: number;
  /** Pause between rounds when there was nothing to do. */
  idleMs?: number;
  /** Called after each round: tests wait for it instead of sleeping. */
  onRound?: () => void;
}

/**
 * Delivers queued Telegram notifications: oldest first and in order per chat (a chat's later rows
 * wait while an earlier one waits for its retry), each post of a row once (progress is recorded
 * per part), retried with backoff while Telegram is unreachable; a 429 pauses all sending for
 * `retry_after`; errors that will not heal are dead-lettered after a few tries, with a log line,
 * a metric and a notice to the team chat. Rows are leased, and the lease renewed while sending.
 */
export function startOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { deps, log, metrics } = options;
  const leaseMs = options.leaseMs ?? OUTBOX_LEASE_MS;
  const maxBackoffMs = options.maxBackoffMs ?? 5 * 60_000;
  const deadAfter = options.deadAfterAttempts ?? 3;
  const idleMs = options.idleMs ?? 1000;
  const owner = randomUUID();
  const deliver = createDelivery({ deps, api: options.api, alertFloodPerMinute: options.alertFloodPerMinute, miniAppName: options.miniAppName });
  let stopped = false;
  const pause = new WorkerPause();
  let pausedUntil = 0;

  const backoff = (attempts: number) => Math.min(2 ** Math.min(attempts, 20) * 1000, maxBackoffMs) + Math.floor(Math.random() * 500);

  /** Tells the team chat a row was given up on, unless the team chat is the one that failed. */
  const noticeDeadLetter = async (row: OutboxRow, reason: string) => {
    const [adminChat] = await teamAlertChats(deps);
    if (!adminChat || adminChat === row.chat_id || row.kind === DEAD_LETTER_NOTICE_KIND) return;
    await enqueueOutbox(deps.db, DEAD_LETTER_NOTICE_KIND, { chatId: adminChat, deadChatId: row.chat_id ?? "?", outboxId: row.id, reason }, deps.clock.now());
  };

  const failed = async (row: OutboxRow, failure: Failure, now: number) => {
    const attempts = row.attempts + 1;
    const context = { outboxId: row.id, kind: row.kind, chatId: row.chat_id, attempts, partsSent: row.parts_sent };
    switch (failure.kind) {
      case "lease_lost":
        // Another node took the row over after our lease ran out: it is theirs now.
        log.warn(context, "outbox lease lost mid-delivery; leaving the row to its new owner");
        return;
      case "rate_limited":
        pausedUntil = now + failure.retryAfterMs;
        await retryOutboxAt(deps.db, row.id, owner, now + failure.retryAfterMs, failure.description);
        metrics.telegramSent.inc({ result: "rate_limited" });
        log.warn({ ...context, retryAfterMs: failure.retryAfterMs }, "telegram rate limit: pausing the outbox");
        return;
      case "permanent":
        if (attempts >= deadAfter) {
          await markOutboxDead(deps.db, row.id, owner, failure.description);
          metrics.telegramSent.inc({ result: "dead" });
          metrics.outboxDeadLetters.inc({ reason: failure.reason });
          log.error({ ...context, reason: failure.reason, description: failure.description }, "telegram notification given up (dead-lettered)");
          await noticeDeadLetter(row, failure.description);
          return;
        }
        break;
      case "transient":
        break;
    }
    await retryOutboxAt(deps.db, row.id, owner, now + backoff(attempts), failure.description);
    metrics.telegramSent.inc({ result: "retry" });
    log.warn({ ...context, reason: failure.description }, "telegram notification failed; will retry");
  };

  /** Works one due row; false when its chat must wait (it failed, or another worker has it). */
  const work = async (row: OutboxRow): Promise<boolean> => {
    if (!(await claimOutbox(deps.db, row, owner, deps.clock.now() + leaseMs))) return false;
    const lease = holdLease(deps, row.id, owner, leaseMs, log);
    try {
      const outcome = await deliver(row, lease);
      if (outcome === "summarized") await markOutboxSummarized(deps.db, row.id, owner, deps.clock.now());
      else await markOutboxSent(deps.db, row.id, owner, deps.clock.now());
      metrics.telegramSent.inc({ result: outcome });
      return true;
    } catch (error) {
      // An upload aborted because the lease was lost fails as a network error: it is still a lost lease.
      await failed(row, lease.signal.aborted ? { kind: "lease_lost" } : classifyFailure(error), deps.clock.now());
      return false;
    } finally {
      lease.release();
    }
  };

  /** One pass over the due rows; true when it did something, so the next pass starts at once. */
  const runOnce = async (): Promise<boolean> => {
    if (deps.clock.now() < pausedUntil) return false;
    const blockedChats = new Set<string>();
    let progressed = false;
    for (const row of await dueOutbox(deps.db, deps.clock.now(), BATCH, "telegram.")) {
      if (stopped || deps.clock.now() < pausedUntil) break;
      // Keep each chat in order within the round too: after a failure its later rows wait.
      if (row.chat_id !== null && blockedChats.has(row.chat_id)) continue;
      if (await work(row)) progressed = true;
      else if (row.chat_id !== null) blockedChats.add(row.chat_id);
    }
    return progressed;
  };

  const loop = (async () => {
    while (!stopped) {
      let progressed = false;
      if (options.isLeader()) {
        progressed = await runOnce().catch((err: unknown) => {
          log.error({ err }, "outbox round failed");
          return false;
        });
      }
      options.onRound?.();
      if (progressed) continue;
      await pause.wait(idleMs);
    }
  })();

  return {
    kick: () => pause.wake(),
    async stop() {
      stopped = true;
      pause.wake();
      await loop;
    },
  };
}
