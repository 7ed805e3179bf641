import { randomUUID } from "node:crypto";
import { claimOutbox, dueOutbox, markOutboxDead, markOutboxSent, type OutboxRow, retryOutboxAt } from "../db/repositories/outbox.ts";
import { MailRefused, type MailSender } from "../../domain/mail/mailPort.ts";
import { composeQueuedMail, type MailSettings, queueUnseenReplyMails } from "../../domain/mail/outgoing.ts";
import type { AppDeps } from "../../deps.ts";
import { type BackgroundJob, WorkerPause } from "../backgroundJob.ts";
import { createSmtpSender, senderName } from "./smtpSender.ts";

const BATCH = 20;
const IDLE_MS = 1000;
const LEASE_MS = 2 * 60_000;
const MAX_BACKOFF_MS = 15 * 60_000;
/** A mail the server refuses (5xx) is tried this many times, then dead-lettered; an outage is retried for ever. */
const DEAD_AFTER_REFUSALS = 3;

/**
 * Outgoing e-mail: every second, queues a mail for conversations whose replies went unseen for
 * OFFLINE_EMAIL_DELAY_S, and sends queued mails (unseen replies, transcripts) from the outbox with
 * retries, so an SMTP outage delays mail and loses none. Rows are claimed with a lease, so on several
 * nodes each mail is sent by one of them. Does nothing without SMTP_URL.
 */
export function startMailJob(deps: AppDeps, options: { sender?: MailSender } = {}): BackgroundJob {
  const mail = deps.config.mail;
  if (!mail) return { stop() {} };
  const smtp = options.sender ? undefined : createSmtpSender(mail.smtpUrl, mail.from);
  const sender = options.sender ?? (smtp as MailSender);
  const settings: MailSettings = { team: senderName(mail.from), replyDomain: mail.replyDomain };
  const { domain, log } = deps;
  const owner = randomUUID();
  let stopped = false;
  const pause = new WorkerPause();

  const backoff = (attempts: number) => Math.min(2 ** Math.min(attempts, 20) * 1000, MAX_BACKOFF_MS);

  const deliver = async (row: OutboxRow): Promise<void> => {
    if (!(await claimOutbox(domain.db, row, owner, domain.clock.now() + LEASE_MS))) return;
    const attempts = row.attempts + 1;
    try {
      const message = await composeQueuedMail(domain, row, settings);
      if (message) await sender.send(message);
      await markOutboxSent(domain.db, row.id, owner, domain.clock.now());
      log.info({ outboxId: row.id, kind: row.kind, sent: message !== null }, message ? "e-mail sent" : "e-mail no longer needed");
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (error instanceof MailRefused && attempts >= DEAD_AFTER_REFUSALS) {
        await markOutboxDead(domain.db, row.id, owner, reason);
        log.error({ outboxId: row.id, kind: row.kind, reason }, "e-mail refused by the mail server; given up (dead-lettered)");
        return;
      }
      await retryOutboxAt(domain.db, row.id, owner, domain.clock.now() + backoff(attempts), reason);
      log.warn({ outboxId: row.id, kind: row.kind, attempts, reason }, "sending an e-mail failed; will retry");
    }
  };

  const round = async () => {
    await queueUnseenReplyMails(domain, mail.offlineDelayMs);
    for (const row of await dueOutbox(domain.db, domain.clock.now(), BATCH, "email.")) {
      if (stopped) return;
      await deliver(row);
    }
  };

  const loop = (async () => {
    while (!stopped) {
      await round().catch((err: unknown) => log.error({ err }, "e-mail round failed"));
      if (stopped) break;
      await pause.wait(IDLE_MS);
    }
  })();

  return {
    async stop() {
      stopped = true;
      pause.wake();
      await loop;
      smtp?.close();
    },
  };
}
