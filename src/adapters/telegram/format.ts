import type { VisitorMessageAlert } from "../../domain/chat/telegramBridge.ts";
import { type Language, text } from "../../domain/i18n.ts";

/** Telegram's HTML parse mode needs only these escaped; everything a visitor wrote goes through it. */
export function escapeHtml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const TELEGRAM_TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;

/** The alert posted for a visitor message: who, where, what, and how to answer. */
export function renderAlert(alert: VisitorMessageAlert, language: Language, forCaption = false): string {
  const who = `<b>${escapeHtml(alert.visitorLabel)}</b>`;
  const lines = [alert.isNew ? text("newConversation", language, who) : text("visitorWrote", language, who)];
  if (alert.pageUrl) lines.push(`🌐 ${escapeHtml(alert.pageUrl.slice(0, 300))}`);
  const limit = (forCaption ? CAPTION_LIMIT : TELEGRAM_TEXT_LIMIT) - 400;
  if (alert.body) lines.push("", escapeHtml(alert.body.length > limit ? `${alert.body.slice(0, limit)}…` : alert.body));
  if (alert.isNew) lines.push("", `<i>${escapeHtml(text("replyHint", language))}</i>`);
  return lines.join("\n");
}
