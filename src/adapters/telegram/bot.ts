import type { Redis } from "ioredis";
import { Bot, type CallbackQueryContext, type Context, GrammyError, HttpError, InlineKeyboard } from "grammy";
import type { Update } from "grammy/types";
import type { Logger } from "pino";
import { linkTelegramChat } from "../../domain/auth/telegramLink.ts";
import type { LocalBus } from "../bus/localBus.ts";
import {
  acceptCallFromTelegram,
  callAlert,
  callAlertsOf,
  callNow,
  openConversationsForTelegram,
  rejectCallFromTelegram,
  rememberBridgedMessage,
  replyFromTelegram,
  resolveFromTelegram,
} from "../../domain/chat/telegramBridge.ts";
import { DomainError } from "../../domain/errors.ts";
import { text } from "../../domain/i18n.ts";
import type { DomainDeps, TelegramPort } from "../../domain/ports.ts";
import type { Metrics } from "../../metrics.ts";
import { escapeHtml } from "./format.ts";
import { electLeader, type Leadership } from "./leader.ts";
import { type OutboxWorker, startOutboxWorker } from "./outboxWorker.ts";

export interface TelegramOptions {
  token: string;
  apiRoot: string;
  webhook?: { url: string; secret: string } | undefined;
}

export interface TelegramRuntime {
  domain: DomainDeps;
  redis: Redis | undefined;
  metrics: Metrics;
  bus: LocalBus;
}

export interface TelegramAdapter {
  port: TelegramPort;
  /** Calls getMe: the readiness probe. */
  check(): Promise<void>;
  /** Starts the bridge: handlers, leader election, long polling (or webhook registration), outbox worker. */
  start(runtime: TelegramRuntime): Promise<void>;
  /** Webhook mode: one update posted by Telegram. */
  handleUpdate(update: Update): Promise<void>;
  webhookSecret: string | undefined;
  stop(): Promise<void>;
}

/** grammY at the edge: the domain only sees TelegramPort and plain functions. */
export function createTelegram(options: TelegramOptions, log: Logger): TelegramAdapter {
  const bot = new Bot(options.token, { client: { apiRoot: options.apiRoot, timeoutSeconds: 30 } });
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
      await bot.api.sendMessage(chatId, message, { link_preview_options: { is_disabled: true } });
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
    async check() {
      const me = await bot.api.getMe();
      username = me.username;
    },
    async start(runtime) {
      installHandlers(bot, runtime.domain, options, log);
      worker = startOutboxWorker({ deps: runtime.domain, api: bot.api, log, metrics: runtime.metrics, isLeader: () => leadership?.isLeader() ?? false });
      unsubscribe = runtime.bus.subscribe((event) => {
        if (event.type === "calls.changed" || (event.type === "message.created" && event.message.author.type === "visitor")) worker?.kick();
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
      unsubscribe?.();
      await worker?.stop();
      await leadership?.stop();
      if (bot.isRunning()) await bot.stop();
      await polling?.catch(() => undefined);
    },
  };
}

/** Everything agents can do from Telegram: link their account, list and answer conversations, resolve. */
function installHandlers(bot: Bot, deps: DomainDeps, options: TelegramOptions, log: Logger): void {
  const language = deps.defaultLanguage;
  const answerError = async (ctx: Context, error: unknown) => {
    if (error instanceof DomainError) {
      await ctx.reply(error.message, { reply_parameters: { message_id: ctx.msg?.message_id ?? 0, allow_sending_without_reply: true } });
      return;
    }
    throw error;
  };

  bot.command("start", async (ctx) => {
    const token = ctx.match.trim();
    if (!token) {
      await ctx.reply(text("welcome", language));
      return;
    }
    const result = await linkTelegramChat(deps, { token, chatId: String(ctx.chat.id), privateChat: ctx.chat.type === "private" });
    log.info({ chatId: ctx.chat.id, linked: result.linked }, "telegram /start link");
  });

  bot.command("open", async (ctx) => {
    try {
      const open = await openConversationsForTelegram(deps, String(ctx.from?.id ?? ""));
      if (!open.length) {
        await ctx.reply(text("noOpenConversations", language));
        return;
      }
      // One post per conversation, each remembered, so replying to it answers that visitor.
      for (const item of open) {
        const unread = item.unread ? ` (${item.unread})` : "";
        const html = `${text("openConversation", language, `<b>${escapeHtml(item.visitorLabel)}</b>`, unread)}\n${escapeHtml(item.preview)}`;
        const sent = await ctx.reply(html, { parse_mode: "HTML" });
        await rememberBridgedMessage(deps, String(ctx.chat.id), sent.message_id, item.conversationId);
      }
    } catch (error) {
      await answerError(ctx, error);
    }
  });

  bot.command("resolve", async (ctx) => {
    try {
      await resolveFromTelegram(deps, { chatId: String(ctx.chat.id), fromUserId: String(ctx.from?.id ?? ""), replyToMessageId: ctx.message?.reply_to_message?.message_id });
      await ctx.reply(text("resolved", language));
    } catch (error) {
      await answerError(ctx, error);
    }
  });

  /** Every chat rung for this call learns how it went (`note`), and loses the buttons. */
  const settleCallAlerts = async (ctx: CallbackQueryContext<Context>, callId: string, note: string) => {
    const pressed = ctx.callbackQuery.message;
    const alerts = await callAlertsOf(deps, callId);
    const pressedIsKnown = pressed !== undefined && alerts.some((a) => a.chatId === String(pressed.chat.id) && a.messageId === pressed.message_id);
    if (!pressedIsKnown) await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: [] } }).catch(() => undefined);
    const alert = await callAlert(deps, callId);
    if (!alert) return;
    const html = `${text("calling", language, `<b>${escapeHtml(alert.visitorLabel)}</b>`, alert.media === "video")}\n${note}`;
    for (const { chatId, messageId } of alerts) {
      // An alert deleted in Telegram, or too old to edit, is simply left as it is.
      await ctx.api
        .editMessageText(chatId, messageId, html, { parse_mode: "HTML", reply_markup: { inline_keyboard: [] } })
        .catch((err: unknown) => log.debug({ err, chatId, messageId }, "could not update a call alert"));
    }
  };

  /** A press that cannot be honoured: an alert with the reason, in the bot's language. */
  const refuseCallPress = async (ctx: CallbackQueryContext<Context>, callId: string, error: unknown) => {
    if (!(error instanceof DomainError)) throw error;
    let message = error.message;
    if (error.id === "telegram_not_linked") message = text("telegramNotLinked", language);
    else if (error.id === "call_not_waiting") message = text("callNotWaiting", language);
    else if (error.id === "call_taken") {
      const taker = (await callNow(deps, callId))?.agent?.name;
      if (taker) message = text("callAlreadyTaken", language, taker);
    }
    await ctx.answerCallbackQuery({ text: message, show_alert: true });
    // The call went on without this alert: its buttons can only disappoint now.
    if (error.id === "call_taken" || error.id === "call_not_waiting") {
      await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: [] } }).catch(() => undefined);
    }
  };

  bot.callbackQuery(/^call:reject:([0-9a-f-]{36})$/, async (ctx) => {
    const callId = ctx.match[1] ?? "";
    try {
      const { agent } = await rejectCallFromTelegram(deps, { fromUserId: String(ctx.from.id), callId });
      const note = text("callRejected", language, agent.name);
      await ctx.answerCallbackQuery({ text: note });
      await settleCallAlerts(ctx, callId, escapeHtml(note));
    } catch (error) {
      await refuseCallPress(ctx, callId, error);
    }
  });

  bot.callbackQuery(/^call:accept:([0-9a-f-]{36})$/, async (ctx) => {
    const callId = ctx.match[1] ?? "";
    let accepted: Awaited<ReturnType<typeof acceptCallFromTelegram>>;
    try {
      accepted = await acceptCallFromTelegram(deps, { fromUserId: String(ctx.from.id), callId });
    } catch (error) {
      await refuseCallPress(ctx, callId, error);
      return;
    }
    const { agent, call, consoleUrl } = accepted;
    await ctx.answerCallbackQuery({ text: text("callAcceptedByYou", language) });
    // The talking happens in the console: the agent gets a way there, in their own chat.
    const chatId = agent.telegram_chat_id ?? String(ctx.from.id);
    const html = text("openCall", language, `<b>${escapeHtml(call.visitor.name)}</b>`);
    const asButton = { parse_mode: "HTML" as const, reply_markup: new InlineKeyboard().url(text("openCallButton", language), consoleUrl) };
    const asText = { parse_mode: "HTML" as const, link_preview_options: { is_disabled: true } };
    // Telegram refuses URL buttons to localhost and other hosts it does not consider public: then the link goes as text.
    try {
      const sent = telegramTakesUrl(consoleUrl)
        ? await ctx.api.sendMessage(chatId, html, asButton).then(
            () => true,
            (err: unknown) => {
              if (err instanceof GrammyError && err.error_code === 400) return false;
              throw err;
            },
          )
        : false;
      if (!sent) await ctx.api.sendMessage(chatId, `${html}\n${escapeHtml(consoleUrl)}`, asText);
    } catch (err) {
      // The call is taken either way; the other alerts must still learn it.
      log.error({ err, callId }, "could not send the console link for a call accepted in Telegram");
    }
    await settleCallAlerts(ctx, callId, escapeHtml(text("callTakenBy", language, agent.name)));
  });

  bot.on("message", async (ctx) => {
    const message = ctx.message;
    // Only replies to the bot's posts are answers; other chatter in a team group is not ours.
    if (!message.reply_to_message || message.reply_to_message.from?.id !== ctx.me.id) return;
    try {
      const largestPhoto = message.photo?.at(-1);
      const media = largestPhoto ?? message.voice ?? message.document ?? message.audio ?? message.video_note;
      const fileName = message.document?.file_name ?? message.audio?.file_name;
      const file = media ? await download(bot, options, media.file_id, deps.chat.uploadMaxBytes, fileName, Boolean(message.voice)) : undefined;
      await replyFromTelegram(deps, {
        chatId: String(ctx.chat.id),
        fromUserId: String(message.from?.id ?? ""),
        telegramMessageId: message.message_id,
        replyToMessageId: message.reply_to_message.message_id,
        text: message.text ?? message.caption ?? "",
        file,
      });
      await ctx.react("👍").catch(() => undefined);
    } catch (error) {
      await answerError(ctx, error);
    }
  });
}

/** Fetches a file an agent sent, stopping at the upload limit. */
async function download(bot: Bot, options: TelegramOptions, fileId: string, maxBytes: number, fileName: string | undefined, voice: boolean) {
  const file = await bot.api.getFile(fileId);
  if (!file.file_path) throw new Error("telegram returned no file path");
  if ((file.file_size ?? 0) > maxBytes) return { data: Buffer.alloc(0), fileName, voice, truncated: true };
  const response = await fetch(`${options.apiRoot}/file/bot${options.token}/${file.file_path}`);
  if (!response.ok || !response.body) throw new Error(`telegram file download failed with ${response.status}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.length;
    if (size > maxBytes) return { data: Buffer.alloc(0), fileName, voice, truncated: true };
    chunks.push(Buffer.from(chunk));
  }
  return { data: Buffer.concat(chunks), fileName: fileName ?? file.file_path.split("/").pop(), voice, truncated: false };
}

/** Whether Telegram would accept this URL in an inline button: not localhost, not a bare IP address. */
function telegramTakesUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host !== "localhost" && !host.endsWith(".localhost") && !/^[\d.]+$/.test(host) && !host.startsWith("[");
}
