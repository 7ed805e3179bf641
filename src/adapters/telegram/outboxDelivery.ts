import { type Api, InlineKeyboard, InputFile } from "grammy";
import type { Message } from "grammy/types";
import type { OutboxRow } from "../db/repositories/outbox.ts";
import { FLOOD_SUMMARY_KIND, floodSummaryCount, holdBackForFlood } from "../../domain/chat/alertFlood.ts";
import { callAlert, recordAlertPart, visitorMessageAlert } from "../../domain/chat/telegramBridge.ts";
import { text } from "../../domain/i18n.ts";
import { timelineAlertText } from "../../domain/chat/timeline.ts";
import { callbackAlertText } from "../../domain/callbacks/callbackRequests.ts";
import { browserCallLink, miniAppUrl } from "../../domain/calls/telegramMiniApp.ts";
import type { DomainDeps } from "../../domain/ports.ts";
import { escapeHtml, renderAlert } from "./format.ts";
import { isMissingBlob, LeaseLost, StoredFileMissing } from "./outboxFailures.ts";
import type { Lease } from "./outboxLease.ts";

export const DEAD_LETTER_NOTICE_KIND = "telegram.dead_letter";

/** What became of a row: every part posted, or held back by an alert flood (counted in a summary). */
export type Delivered = "sent" | "summarized";

// grammY types its signal parameter with the abort-controller polyfill's AbortSignal; Node's is the same thing at run time.
type GrammySignal = Parameters<Api["sendMessage"]>[3];

/** One post of a row: sent, then recorded with what it belongs to. */
interface Part {
  send(signal: GrammySignal): Promise<Message>;
  conversationId?: string;
  callId?: string;
}

/** Posts one outbox row's parts, each exactly once: resumes after `parts_sent`, confirms the lease before each. */
export function createDelivery(options: { deps: DomainDeps; api: Api; alertFloodPerMinute: number; miniAppName?: string | undefined }) {
  const { deps, api } = options;
  const language = () => deps.defaultLanguage;
  /** The bot's username, asked once, for direct Mini App links in group chats. */
  let botUsername: Promise<string> | undefined;

  const sendParts = async (row: OutboxRow, chatId: string, parts: Part[], lease: Lease) => {
    for (let index = row.parts_sent; index < parts.length; index++) {
      const part = parts[index];
      if (!part) continue;
      await lease.confirm();
      const sent = await part.send(lease.signal as unknown as GrammySignal);
      const recorded = await recordAlertPart(deps, {
        outboxId: row.id,
        owner: lease.owner,
        partsSent: index + 1,
        chatId,
        messageId: sent.message_id,
        ...(part.conversationId ? { conversationId: part.conversationId } : {}),
        ...(part.callId ? { callId: part.callId } : {}),
      });
      if (!recorded) throw new LeaseLost(row.id);
    }
  };

  /** A stored attachment as an upload; a file that is gone fails for good, not as a network error. */
  const storedFile = async (storageKey: string, fileName: string) => {
    try {
      await deps.storage.size(storageKey);
    } catch (error) {
      if (isMissingBlob(error)) throw new StoredFileMissing(storageKey);
      throw error;
    }
    return new InputFile(await deps.storage.read(storageKey), fileName);
  };

  const visitorMessage = async (row: OutboxRow, lease: Lease): Promise<Delivered> => {
    const payload = JSON.parse(row.payload) as { messageId: string; chatId: string; isNew: boolean };
    const alert = await visitorMessageAlert(deps, payload.messageId, payload.isNew);
    if (!alert) return "sent"; // the conversation was deleted meanwhile: nothing to announce
    const flood = { chatId: payload.chatId, conversationId: alert.conversationId, isNew: payload.isNew, at: row.created_at, limit: options.alertFloodPerMinute };
    if (row.parts_sent === 0 && (await holdBackForFlood(deps, flood))) return "summarized";
    const chatId = payload.chatId;
    const [first] = alert.files;
    // The alert rides as the first file's caption when the visitor's text is short, so a photo is one
    // post. Decided on the message text alone, which never changes, so a retry splits parts the same way.
    const captionFits = first !== undefined && alert.body.length <= CAPTION_BODY_MAX;
    const html = renderAlert(alert, language(), captionFits);
    const conversationId = alert.conversationId;
    const parts: Part[] = captionFits
      ? []
      : [{ conversationId, send: (signal) => api.sendMessage(chatId, html, { parse_mode: "HTML", link_preview_options: { is_disabled: true } }, signal) }];
    for (const [index, file] of alert.files.entries()) {
      const caption = index === 0 && captionFits ? { caption: html, parse_mode: "HTML" as const } : {};
      parts.push({
        conversationId,
        send: async (signal) => {
          const input = await storedFile(file.storageKey, file.fileName);
          if (file.kind === "image") return api.sendPhoto(chatId, input, caption, signal);
          if (file.kind === "voice" && file.mime === "audio/ogg") return api.sendVoice(chatId, input, caption, signal);
          return api.sendDocument(chatId, input, caption, signal);
        },
      });
    }
    await sendParts(row, chatId, parts, lease);
    return "sent";
  };

  const callNotice = async (row: OutboxRow, lease: Lease): Promise<Delivered> => {
    const payload = JSON.parse(row.payload) as { callId: string; chatId: string };
    const alert = await callAlert(deps, payload.callId);
    if (!alert) return "sent";
    const who = `<b>${escapeHtml(alert.visitorLabel)}</b>`;
    if (row.kind === "telegram.call_missed") {
      await sendParts(row, payload.chatId, [{ send: (signal) => api.sendMessage(payload.chatId, text("missedCall", language(), who), { parse_mode: "HTML" }, signal) }], lease);
      return "sent";
    }
    if (!alert.waiting) return "sent"; // answered or over before Telegram could ring: nothing to offer
    const keyboard = await callKeyboard(payload.chatId, alert.callId);
    const html = text("calling", language(), who, alert.media === "video");
    // Remembered with the part, so that once someone takes or rejects the call every chat's alert says so.
    await sendParts(row, payload.chatId, [{ callId: alert.callId, send: (signal) => api.sendMessage(payload.chatId, html, { parse_mode: "HTML", reply_markup: keyboard }, signal) }], lease);
    return "sent";
  };

  /**
   * The buttons of a call alert. With an HTTPS public address: `Accept in Telegram` (the Mini App: a
   * `web_app` button in a private chat; in a group, where Telegram allows no `web_app` button, a
   * direct Mini App link when TELEGRAM_MINI_APP_NAME is set, else none), `Accept in browser` (a
   * signed, short-lived link to the console at the call) and `Reject`. Telegram refuses both kinds
   * of link to localhost or plain HTTP: then Accept and Reject are callback buttons, and the bot
   * claims the call for the pressing agent and links them to the console.
   */
  const callKeyboard = async (chatId: string, callId: string) => {
    const reject = text("reject", language());
    if (!telegramTakesAppUrl(deps.publicUrl)) {
      return new InlineKeyboard().text(text("accept", language()), `call:accept:${callId}`).text(reject, `call:reject:${callId}`);
    }
    const keyboard = new InlineKeyboard();
    const inTelegram = text("acceptInTelegram", language());
    // Private chats have positive ids (the user's own); groups and channels negative ones.
    if (!chatId.startsWith("-")) keyboard.webApp(inTelegram, miniAppUrl(deps, callId)).row();
    else if (options.miniAppName) {
      botUsername ??= api.getMe().then((me) => me.username);
      const username = await botUsername.catch((error: unknown) => {
        botUsername = undefined;
        throw error;
      });
      keyboard.url(inTelegram, `https://t.me/${username}/${options.miniAppName}?startapp=${callId}`).row();
    }
    return keyboard.url(text("acceptInBrowser", language()), browserCallLink(deps, callId)).text(reject, `call:reject:${callId}`);
  };

  const plainText = async (row: OutboxRow, chatId: string, message: string, lease: Lease): Promise<Delivered> => {
    await sendParts(row, chatId, [{ send: (signal) => api.sendMessage(chatId, message, { link_preview_options: { is_disabled: true } }, signal) }], lease);
    return "sent";
  };

  return async function deliver(row: OutboxRow, lease: Lease): Promise<Delivered> {
    switch (row.kind) {
      case "telegram.visitor_message":
        return visitorMessage(row, lease);
      case "telegram.call":
      case "telegram.call_missed":
        return callNotice(row, lease);
      case "telegram.mention":
      case "telegram.rating": {
        const payload = JSON.parse(row.payload) as { eventId: string; chatId: string };
        const message = await timelineAlertText(deps, payload.eventId, language());
        return message === undefined ? "sent" : plainText(row, payload.chatId, message, lease);
      }
      case "telegram.callback": {
        const payload = JSON.parse(row.payload) as { callbackId: string; chatId: string };
        const message = await callbackAlertText(deps, payload.callbackId, language());
        return message === undefined ? "sent" : plainText(row, payload.chatId, message, lease);
      }
      case FLOOD_SUMMARY_KIND: {
        const payload = JSON.parse(row.payload) as { chatId: string; windowStart: number };
        return plainText(row, payload.chatId, text("alertFlood", language(), await floodSummaryCount(deps, payload.windowStart)), lease);
      }
      case DEAD_LETTER_NOTICE_KIND: {
        const payload = JSON.parse(row.payload) as { chatId: string; deadChatId: string; reason: string };
        return plainText(row, payload.chatId, text("deliveryGivenUp", language(), payload.deadChatId, payload.reason), lease);
      }
      default:
        throw new Error(`unknown outbox kind ${row.kind}`);
    }
  };
}

/** Whether Telegram would open this address from a button: HTTPS, not localhost, not a bare IP address. */
export function telegramTakesAppUrl(url: string): boolean {
  const { protocol, hostname: host } = new URL(url);
  return protocol === "https:" && host !== "localhost" && !host.endsWith(".localhost") && !/^[\d.]+$/.test(host) && !host.startsWith("[");
}

/** Longest visitor text that still leaves the caption (1024 visible characters) room for name, page and hint. */
const CAPTION_BODY_MAX = 500;
