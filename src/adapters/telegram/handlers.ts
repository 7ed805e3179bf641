import type { Bot, CallbackQueryContext, Context } from "grammy";
import { GrammyError, InlineKeyboard } from "grammy";
import type { Logger } from "pino";
import { linkTelegramChat } from "../../domain/auth/telegramLink.ts";
import {
  acceptCallFromTelegram,
  callAlert,
  callAlertsOf,
  callNow,
  cannedReplyFromTelegram,
  checkTelegramReply,
  openConversationsForTelegram,
  rejectCallFromTelegram,
  rememberBridgedMessage,
  replyFromTelegram,
  resolveFromTelegram,
} from "../../domain/chat/telegramBridge.ts";
import { DomainError } from "../../domain/errors.ts";
import type { DomainEvent, EventOrigin } from "../../domain/events.ts";
import { text } from "../../domain/i18n.ts";
import type { DomainDeps } from "../../domain/ports.ts";
import { downloadTelegramFile } from "./download.ts";
import type { PerSenderQueue } from "./perSenderQueue.ts";
import { escapeHtml } from "./format.ts";

export interface HandlerOptions {
  token: string;
  apiRoot: string;
  downloadTimeoutMs: number;
  /** Agents' replies, in order per sender. */
  replies: PerSenderQueue;
  /** Aborted on shutdown: downloads in flight give up at once. */
  stopping: AbortSignal;
}

/** Everything agents can do from Telegram: link their account, list and answer conversations, resolve. */
export function installHandlers(bot: Bot, deps: DomainDeps, options: HandlerOptions, log: Logger): void {
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

  // `/c greet` as a reply to a bridged post: that canned reply goes to the visitor, in order with the
  // sender's other replies.
  bot.command("c", async (ctx) => {
    const message = ctx.message;
    const shortcut = ctx.match.trim().split(/\s+/)[0] ?? "";
    if (!message) return;
    if (!shortcut || !message.reply_to_message) {
      await ctx.reply(text("cannedUsage", language), { reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true } });
      return;
    }
    const reply = {
      chatId: String(ctx.chat.id),
      fromUserId: String(message.from?.id ?? ""),
      telegramMessageId: message.message_id,
      replyToMessageId: message.reply_to_message.message_id,
      shortcut,
    };
    await options.replies.run(`${reply.chatId}:${reply.fromUserId}`, async () => {
      try {
        if ((await checkTelegramReply(deps, reply)).alreadyStored) return;
        await cannedReplyFromTelegram(deps, reply);
        await ctx.react("👍").catch(() => undefined);
      } catch (error) {
        if (error instanceof DomainError && error.id === "canned_reply_not_found") {
          const close = (error.details?.closeMatches ?? "").split(",").filter(Boolean).map((s) => `/c ${s}`).join(", ");
          await ctx.reply(text("cannedUnknown", language, shortcut, close), { reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true } });
          return;
        }
        await answerError(ctx, error);
      }
    });
  });

  /** The pressed post loses its buttons if it is no alert destek knows of (the known ones are all updated). */
  const clearUnknownPressed = async (ctx: CallbackQueryContext<Context>, callId: string) => {
    const pressed = ctx.callbackQuery.message;
    const alerts = await callAlertsOf(deps, callId);
    const pressedIsKnown = pressed !== undefined && alerts.some((a) => a.chatId === String(pressed.chat.id) && a.messageId === pressed.message_id);
    if (!pressedIsKnown) await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: [] } }).catch(() => undefined);
  };

  /** Every chat rung for this call learns how it went (`note`), and loses the buttons. */
  const settleCallAlerts = async (ctx: CallbackQueryContext<Context>, callId: string, note: string) => {
    await clearUnknownPressed(ctx, callId);
    await updateCallAlerts(ctx.api, deps, callId, note, log);
  };

  /** A press that cannot be honoured: an alert with the reason, in the bot's language. */
  const refuseCallPress = async (ctx: CallbackQueryContext<Context>, callId: string, error: unknown) => {
    if (!(error instanceof DomainError)) throw error;
    let message = error.message;
    if (error.id === "telegram_not_linked") message = text("telegramNotLinked", language);
    else if (error.id === "call_not_waiting") message = text("callNotWaiting", language);
    else if (error.id === "agent_busy") message = text("agentBusy", language);
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
    // Every known alert says who took it once the call is accepted (see callTakenAlerts), whichever way it was.
    await clearUnknownPressed(ctx, callId);
  });

  bot.on("message", async (ctx) => {
    const message = ctx.message;
    // Only replies to the bot's posts are answers; other chatter in a team group is not ours.
    if (!message.reply_to_message || message.reply_to_message.from?.id !== ctx.me.id) return;
    const reply = {
      chatId: String(ctx.chat.id),
      fromUserId: String(message.from?.id ?? ""),
      telegramMessageId: message.message_id,
      replyToMessageId: message.reply_to_message.message_id,
    };
    const media = message.photo?.at(-1) ?? message.voice ?? message.document ?? message.audio ?? message.video_note;
    const deliver = async () => {
      try {
        // Nothing is fetched for a stranger, a post that is not ours, or a redelivered message.
        if ((await checkTelegramReply(deps, reply)).alreadyStored) return;
        const file = media
          ? await downloadTelegramFile(bot.api, options, {
              fileId: media.file_id,
              fileName: message.document?.file_name ?? message.audio?.file_name,
              voice: Boolean(message.voice),
              maxBytes: deps.chat.uploadMaxBytes,
              timeoutMs: options.downloadTimeoutMs,
              stopping: options.stopping,
            })
          : undefined;
        await replyFromTelegram(deps, { ...reply, text: message.text ?? message.caption ?? "", file });
        await ctx.react("👍").catch(() => undefined);
      } catch (error) {
        await answerError(ctx, error);
      }
    };
    // A sender's replies keep their order. One with a file (or behind one) is handled off the update
    // loop: a slow download must not hold up other agents' replies, button presses and commands.
    const sender = `${reply.chatId}:${reply.fromUserId}`;
    if (!media && !options.replies.busy(sender)) return options.replies.run(sender, deliver);
    options.replies.run(sender, deliver).catch((err: unknown) => log.error({ err, ...reply }, "a Telegram reply with a file failed"));
  });
}

/** Every alert of a call says how it went (`note`, HTML), and loses its buttons. */
export async function updateCallAlerts(api: Bot["api"], deps: DomainDeps, callId: string, note: string, log: Logger): Promise<void> {
  const alerts = await callAlertsOf(deps, callId);
  const alert = await callAlert(deps, callId);
  if (!alert) return;
  const html = `${text("calling", deps.defaultLanguage, `<b>${escapeHtml(alert.visitorLabel)}</b>`, alert.media === "video")}\n${note}`;
  for (const { chatId, messageId } of alerts) {
    // An alert deleted in Telegram, or too old to edit, is simply left as it is.
    await api
      .editMessageText(chatId, messageId, html, { parse_mode: "HTML", reply_markup: { inline_keyboard: [] } })
      .catch((err: unknown) => log.debug({ err, chatId, messageId }, "could not update a call alert"));
  }
}

/**
 * A call was taken, by a button in Telegram, in the Mini App or in the console: its alerts say who
 * took it and lose their buttons. `call.accepted` is heard only on the node where the call was
 * taken, so each alert is updated once.
 */
export function callTakenAlerts(api: Bot["api"], deps: DomainDeps, log: Logger) {
  return (event: DomainEvent, origin: EventOrigin): void => {
    if (event.type !== "call.accepted" || origin.remote) return;
    const note = escapeHtml(text("callTakenBy", deps.defaultLanguage, event.call.agent?.name ?? ""));
    updateCallAlerts(api, deps, event.call.id, note, log).catch((err: unknown) => log.warn({ err, callId: event.call.id }, "could not update the alerts of a taken call"));
  };
}

/** Whether Telegram would accept this URL in an inline button: not localhost, not a bare IP address. */
function telegramTakesUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host !== "localhost" && !host.endsWith(".localhost") && !/^[\d.]+$/.test(host) && !host.startsWith("[");
}
