import type { Redis } from "ioredis";
import { Bot, GrammyError, HttpError } from "grammy";
import type { Update } from "grammy/types";
import type { Logger } from "pino";
import type { EventBus } from "../../domain/events.ts";
import { type DomainDeps, type TelegramPort, TelegramRefused } from "../../domain/ports.ts";
import type { Metrics } from "../../metrics.ts";
import { PerSenderQueue } from "./perSenderQueue.ts";
import { callTakenAlerts, installHandlers } from "./handlers.ts";
import { type TelegramHealth, type TelegramState, trackTelegramHealth } from "./health.ts";
import { electLeader, type Leadership } from "./leader.ts";
import { classifyFailure } from "./outboxFailures.ts";
import { type OutboxWorker, startOutboxWorker } from "./outboxWorker.ts";

export interface TelegramOptions {
  token: string;
  apiRoot: string;
  webhook?: { url: string; secret: string } | undefined;
  /** TELEGRAM_ALERT_FLOOD_PER_MINUTE. */
  alertFloodPerMinute: number;
  /** TELEGRAM_MINI_APP_NAME. */
  miniAppName?: string | undefined;
  /** TELEGRAM_DOWNLOAD_TIMEOUT_S, in ms. */
  downloadTimeoutMs: number;
}

export interface TelegramRuntime {
  domain: DomainDeps;
  redis: Redis | undefined;
  metrics: Metrics;
  bus: EventBus;
}

export interface TelegramAdapter {
  port: TelegramPort;
  /** Telegram as this process last found it, from the calls it makes anyway (no probe of its own). */
  health(): TelegramState;
  /** Starts the bridge: handlers, leader election, long polling (or webhook registration), outbox worker. */
  start(runtime: TelegramRuntime): Promise<void>;
  /** Webhook mode: one update posted by Telegram. */
  handleUpdate(update: Update): Promise<void>;
  webhookSecret: string | undefined;
  stop(): Promise<void>;
}

/** grammY at the edge: the domain only sees TelegramPort and plain functions. */
export function createTelegram(options: TelegramOptions, log: Logger, metrics: Metrics): TelegramAdapter {
  const bot = new Bot(options.token, { client: { apiRoot: options.apiRoot, timeoutSeconds: 30 } });
  const tracked: TelegramHealth = trackTelegramHealth(bot, metrics, log);
  const replies = new PerSenderQueue();
  const stopping = new AbortController();
  let username: string | undefined;
  let leadership: Leadership | undefined;
  let worker: OutboxWorker | undefined;
  let unsubscribe: (() => void) | undefined;
  let polling: Promise<void> | undefined;
  let stopped = false;

  const port: TelegramPort = {
    async botUsername() {
      username ??= (await bot.api.getMe()).username;
      return username;
    },
    async sendText(chatId, message) {
      try {
        await bot.api.sendMessage(chatId, message, { link_preview_options: { is_disabled: true } });
      } catch (error) {
        // The domain learns what Telegram meant, not grammY's error types.
        const failure = classifyFailure(error);
        if (failure.kind === "permanent" && (failure.reason === "bot_blocked" || failure.reason === "chat_not_found")) {
          throw new TelegramRefused(failure.reason, failure.description);
        }
        throw error;
      }
    },
    async deleteMessage(chatId, messageId) {
      try {
        await bot.api.deleteMessage(chatId, messageId);
        return "deleted";
      } catch (error) {
        if (error instanceof GrammyError && error.error_code >= 400 && error.error_code < 500 && error.error_code !== 429) return "refused";
        throw error;
      }
    },
  };

  bot.catch((err) => {
    const cause = err.error;
    const kind = cause instanceof GrammyError ? "api" : cause instanceof HttpError ? "network" : "handler";
    log.error({ err: cause, kind, updateId: err.ctx.update.update_id }, "telegram update failed");
  });

  const startPolling = (attemptDelayMs = 2000): Promise<void> =>
    new Promise<void>((resolve) => {
      polling = bot
        .start({
          drop_pending_updates: false,
          allowed_updates: ["message", "callback_query"],
          onStart: (me) => {
            username = me.username;
            log.info({ bot: me.username }, "telegram polling started");
            resolve();
          },
        })
        .catch((err: unknown) => {
          resolve();
          if (stopped || !leadership?.isLeader()) return;
          log.warn({ err, retryInMs: attemptDelayMs }, "telegram unavailable; retrying");
          setTimeout(() => {
            startPolling(Math.min(attemptDelayMs * 2, 60_000)).catch((retryErr: unknown) => log.error({ err: retryErr }, "restarting telegram polling failed"));
          }, attemptDelayMs).unref();
        });
    });

  const lead = async (leader: boolean) => {
    if (options.webhook) {
      if (leader) {
        await bot.api
          .setWebhook(options.webhook.url, { secret_token: options.webhook.secret, allowed_updates: ["message", "callback_query"] })
          .catch((err: unknown) => log.error({ err }, "telegram setWebhook failed"));
      }
      return;
    }
    if (leader) await startPolling();
    else if (bot.isRunning()) await bot.stop();
  };

  return {
    port,
    webhookSecret: options.webhook?.secret,
    health: () => tracked.state(),
    async start(runtime) {
      installHandlers(bot, runtime.domain, { ...options, replies, stopping: stopping.signal }, log);
      worker = startOutboxWorker({
        deps: runtime.domain,
        api: bot.api,
        log,
        metrics: runtime.metrics,
        isLeader: () => leadership?.isLeader() ?? false,
        alertFloodPerMinute: options.alertFloodPerMinute,
        miniAppName: options.miniAppName,
      });
      const takenAlerts = callTakenAlerts(bot.api, runtime.domain, log);
      unsubscribe = runtime.bus.subscribe((event, origin) => {
        if (event.type === "calls.changed" || (event.type === "message.created" && event.message.author.type === "visitor")) worker?.kick();
        takenAlerts(event, origin);
      });
      await new Promise<void>((resolve) => {
        const botId = options.token.split(":")[0] ?? "bot";
        leadership = electLeader(runtime.redis, botId, (leader) => {
          lead(leader).then(resolve, resolve);
        });
      });
    },
    async handleUpdate(update) {
      if (!bot.isInited()) await bot.init();
      await bot.handleUpdate(update);
    },
    async stop() {
      stopped = true;
      stopping.abort();
      unsubscribe?.();
      await worker?.stop();
      await leadership?.stop();
      if (bot.isRunning()) await bot.stop();
      await polling?.catch(() => undefined);
      // Replies in flight finish: their downloads were just cut short, and the agent told.
      await replies.drain();
    },
  };
}
