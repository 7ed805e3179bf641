import { Bot, GrammyError, HttpError } from "grammy";
import type { Logger } from "pino";
import { linkTelegramChat } from "../../domain/auth/telegramLink.ts";
import { text } from "../../domain/i18n.ts";
import type { DomainDeps, TelegramPort } from "../../domain/ports.ts";

export interface TelegramAdapter {
  port: TelegramPort;
  /** Calls getMe: the readiness probe. */
  check(): Promise<void>;
  /** Starts long polling in the background; resolves once polling has begun. */
  startPolling(deps: DomainDeps): Promise<void>;
  stop(): Promise<void>;
}

/** grammY at the edge: the domain only sees TelegramPort. `apiRoot` points at any Bot API server. */
export function createTelegram(options: { token: string; apiRoot: string }, log: Logger): TelegramAdapter {
  const bot = new Bot(options.token, { client: { apiRoot: options.apiRoot, timeoutSeconds: 30 } });
  let username: string | undefined;

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

  let polling: Promise<void> | undefined;
  return {
    port,
    async check() {
      const me = await bot.api.getMe();
      username = me.username;
    },
    async startPolling(deps) {
      bot.command("start", async (ctx) => {
        const token = ctx.match.trim();
        const chatId = String(ctx.chat.id);
        if (!token) {
          await ctx.reply(text("welcome", deps.defaultLanguage));
          return;
        }
        const result = await linkTelegramChat(deps, { token, chatId, privateChat: ctx.chat.type === "private" });
        log.info({ chatId, linked: result.linked }, "telegram /start link");
      });
      await new Promise<void>((resolve, reject) => {
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
          .catch((error: unknown) => {
            log.error({ err: error }, "telegram polling stopped with an error");
            reject(error);
          });
      });
    },
    async stop() {
      if (bot.isRunning()) await bot.stop();
      await polling?.catch(() => undefined);
    },
  };
}
