import type { AppDeps } from "../../deps.ts";
import type { DomainEvent } from "../../domain/events.ts";
import { removeUnsentUploads } from "../../domain/chat/uploadHousekeeping.ts";
import { teamAlertChats } from "../../domain/settings/teamChat.ts";

const ORPHAN_SWEEP_EVERY_MS = 60 * 60 * 1000;

/** One pass of the orphan upload cleanup, logged; tests call it with a moved clock. */
export async function sweepOrphanUploads(deps: AppDeps): Promise<number> {
  const { removed, failed } = await removeUnsentUploads(deps.domain);
  for (const { id, error } of failed) deps.log.error({ err: error, attachmentId: id }, "removing an unsent upload failed");
  if (removed) deps.log.info({ removed }, "removed uploads that never became part of a message");
  return removed;
}

/** Hourly: deletes uploads that were never sent in a message within 24 h. Every node may run it. */
export function startOrphanUploadJob(deps: AppDeps): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const sweep = () => {
    running = running.then(() => sweepOrphanUploads(deps)).catch((err: unknown) => deps.log.error({ err }, "the orphan upload job failed"));
  };
  sweep();
  const timer = setInterval(sweep, ORPHAN_SWEEP_EVERY_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

const WARNING = {
  tr: (used: string, quota: string) => `⚠️ Dosya depolama kotası doldu (${used} / ${quota} MB). Yer açılana kadar yeni dosya yüklemeleri reddediliyor (STORAGE_QUOTA_MB).`,
  en: (used: string, quota: string) => `⚠️ File storage is full (${used} of ${quota} MB). New uploads are refused until space is freed (STORAGE_QUOTA_MB).`,
};

const DAY_MS = 24 * 60 * 60 * 1000;
/** Marks "the team was told today" in the shared limiter, so every node agrees. */
export const STORAGE_NOTICE_KEY = "notice:storage-full";

/**
 * Tells the team when attachment storage is full: a warning log line and one post to each team
 * chat when an upload fills the quota (each crossing), and for refused uploads at most once a day
 * (the quota may have been lowered below what is stored, which no upload crosses). Returns the
 * unsubscribe function.
 */
export function warnTeamWhenStorageIsFull(deps: AppDeps): () => void {
  const warn = async (event: Extract<DomainEvent, { type: "storage.quota_reached" }>) => {
    const firstToday = (await deps.domain.limiter.consume(STORAGE_NOTICE_KEY, 1, DAY_MS)).allowed;
    if (!event.crossed && !firstToday) return;
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    deps.log.warn({ usedBytes: event.usedBytes, quotaBytes: event.quotaBytes }, "attachment storage reached STORAGE_QUOTA_MB: new uploads are refused");
    const telegram = deps.domain.telegram;
    if (!telegram) return;
    const post = WARNING[deps.domain.defaultLanguage](mb(event.usedBytes), mb(event.quotaBytes));
    for (const chatId of await teamAlertChats(deps.domain)) {
      await telegram.sendText(chatId, post).catch((err: unknown) => deps.log.error({ err, chatId }, "posting the storage warning to Telegram failed"));
    }
  };
  return deps.bus.subscribe((event: DomainEvent) => {
    if (event.type !== "storage.quota_reached") return;
    warn(event).catch((err: unknown) => deps.log.error({ err }, "warning the team of full storage failed"));
  });
}
