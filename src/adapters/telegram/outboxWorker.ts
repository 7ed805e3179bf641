import { type Api, GrammyError, HttpError, InlineKeyboard, InputFile } from "grammy";
import type { Logger } from "pino";
import {
  claimOutbox,
  dueOutbox,
  markOutboxDead,
  markOutboxSent,
  type OutboxRow,
  retryOutboxAt,
} from "../../adapters/db/repositories/outbox.ts";
import { callAlert, rememberBridgedMessage, rememberCallAlertMessage, visitorMessageAlert } from "../../domain/chat/telegramBridge.ts";
import { text } from "../../domain/i18n.ts";
import type { DomainDeps } from "../../domain/ports.ts";
import type { Metrics } from "../../metrics.ts";
import { escapeHtml, renderAlert } from "./format.ts";

const BATCH = 20;
const IDLE_MS = 1000;
const LEASE_MS = 60_000;
const MAX_BACKOFF_MS = 5 * 60_000;

export interface OutboxWorker {
  /** Look for work now (a message was just queued). */
  kick(): void;
  stop(): Promise<void>;
}

/**
 * Delivers queued Telegram notifications: oldest first, per chat in order, retried with backoff
 * and never given up on while Telegram is merely unreachable; a 429 pauses all sending for
 * `retry_after`. Rows are leased, so a crash mid-send retries rather than loses.
 */
export function startOutboxWorker(options: {
  deps: DomainDeps;
  api: Api;
  log: Logger;
  metrics: Metrics;
  isLeader: () => boolean;
}): OutboxWorker {
  const { deps, api, log, metrics } = options;
  let stopped = false;
  let wake: (() => void) | undefined;
  let pausedUntil = 0;

  const deliverCallAlert = async (row: OutboxRow) => {
    const payload = JSON.parse(row.payload) as { callId: string; chatId: string };
    const alert = await callAlert(deps, payload.callId);
    if (!alert) return;
    const language = deps.defaultLanguage;
    const who = `<b>${escapeHtml(alert.visitorLabel)}</b>`;
    if (row.kind === "telegram.call_missed") {
      await api.sendMessage(payload.chatId, text("missedCall", language, who), { parse_mode: "HTML" });
      return;
    }
    if (!alert.waiting) return; // answered or over before Telegram could ring: nothing to offer
    // Both are callback buttons: the bot claims the call for the pressing agent, then links them to the console.
    const keyboard = new InlineKeyboard()
      .text(text("accept", language), `call:accept:${alert.callId}`)
      .text(text("reject", language), `call:reject:${alert.callId}`);
    const sent = await api.sendMessage(payload.chatId, text("calling", language, who, alert.media === "video"), { parse_mode: "HTML", reply_markup: keyboard });
    // Remembered so that, once someone takes or rejects the call, every chat's alert says so.
    // A failure here must not fail the delivery: a retry would ring that chat twice.
    await rememberCallAlertMessage(deps, payload.chatId, sent.message_id, alert.callId).catch((err: unknown) =>
      log.warn({ err, callId: alert.callId }, "could not remember a call alert; it will keep its buttons"),
    );
  };

  const deliver = async (row: OutboxRow) => {
    if (row.kind === "telegram.call" || row.kind === "telegram.call_missed") return deliverCallAlert(row);
    if (row.kind !== "telegram.visitor_message") throw new Error(`unknown outbox kind ${row.kind}`);
    const payload = JSON.parse(row.payload) as { messageId: string; chatId: string; isNew: boolean };
    const alert = await visitorMessageAlert(deps, payload.messageId, payload.isNew);
    if (!alert) return; // the conversation was deleted meanwhile: nothing to announce
    const remember = (sent: { message_id: number }) => rememberBridgedMessage(deps, payload.chatId, sent.message_id, alert.conversationId);
    const html = renderAlert(alert, deps.defaultLanguage);
    const [first, ...rest] = alert.files;
    // The alert rides as the first file's caption when it fits, so a visitor's photo is one post.
    const captionFits = first !== undefined && html.length <= 1000;
    if (!captionFits) await remember(await api.sendMessage(payload.chatId, html, { parse_mode: "HTML", link_preview_options: { is_disabled: true } }));
    for (const [index, file] of [first, ...rest].entries()) {
      if (!file) continue;
      const input = new InputFile(await deps.storage.read(file.storageKey), file.fileName);
      const caption = index === 0 && captionFits ? { caption: html, parse_mode: "HTML" as const } : {};
      const sent =
        file.kind === "image"
          ? await api.sendPhoto(payload.chatId, input, caption)
          : file.kind === "voice" && file.mime === "audio/ogg"
            ? await api.sendVoice(payload.chatId, input, caption)
            : await api.sendDocument(payload.chatId, input, caption);
      await remember(sent);
    }
  };

  const backoff = (attempts: number) => Math.min(2 ** Math.min(attempts, 20) * 1000, MAX_BACKOFF_MS) + Math.floor(Math.random() * 500);

  const failed = async (row: OutboxRow, error: unknown, now: number) => {
    const attempts = row.attempts + 1;
    if (error instanceof GrammyError && error.error_code === 429) {
      const retryMs = (error.parameters.retry_after ?? 5) * 1000;
      pausedUntil = now + retryMs;
      await retryOutboxAt(deps.db, row.id, now + retryMs, error.description);
      metrics.telegramSent.inc({ result: "rate_limited" });
      log.warn({ retryAfterMs: retryMs }, "telegram rate limit: pausing the outbox");
      return;
    }
    if (error instanceof GrammyError && (error.error_code === 400 || error.error_code === 403)) {
      // The chat is gone or blocked the bot: retrying cannot help.
      await markOutboxDead(deps.db, row.id, error.description);
      metrics.telegramSent.inc({ result: "dead" });
      log.error({ outboxId: row.id, description: error.description }, "telegram refused a notification permanently");
      return;
    }
    const reason = error instanceof GrammyError ? error.description : error instanceof HttpError ? `network: ${String(error.error)}` : String(error);
    await retryOutboxAt(deps.db, row.id, now + backoff(attempts), reason);
    metrics.telegramSent.inc({ result: "retry" });
    log.warn({ outboxId: row.id, attempts, reason }, "telegram notification failed; will retry");
  };

  const runOnce = async () => {
    const now = deps.clock.now();
    if (now < pausedUntil) return;
    const blockedChats = new Set<string>();
    for (const row of await dueOutbox(deps.db, now, BATCH)) {
      if (stopped || deps.clock.now() < pausedUntil) return;
      const chat = (JSON.parse(row.payload) as { chatId?: string }).chatId ?? "";
      // Keep each chat in order: after a failure, its later notifications wait for the retry.
      if (blockedChats.has(chat)) continue;
      if (!(await claimOutbox(deps.db, row, deps.clock.now() + LEASE_MS))) continue;
      try {
        await deliver(row);
        await markOutboxSent(deps.db, row.id, deps.clock.now());
        metrics.telegramSent.inc({ result: "sent" });
      } catch (error) {
        blockedChats.add(chat);
        await failed(row, error, deps.clock.now());
      }
    }
  };

  const loop = (async () => {
    while (!stopped) {
      if (options.isLeader()) {
        await runOnce().catch((err: unknown) => log.error({ err }, "outbox round failed"));
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, IDLE_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  })();

  return {
    kick: () => wake?.(),
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
