import type { SettingsReader } from "./installSettings.ts";

/** The Telegram team chat(s) that get the team's alerts, as an admin last set it (or TELEGRAM_ADMIN_CHAT_ID). */
export async function teamAlertChats(deps: { settings: SettingsReader }): Promise<string[]> {
  const chatId = (await deps.settings.current()).telegramChatId;
  return chatId ? [chatId] : [];
}
