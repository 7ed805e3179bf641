import type { Db } from "../../adapters/db/database.ts";
import type { SettingsReader } from "./installSettings.ts";

/**
 * The Telegram team chat(s) that get the team's alerts, as an admin last set it (or
 * TELEGRAM_ADMIN_CHAT_ID). Inside a transaction, pass it as `via` (see SettingsReader.current).
 */
export async function teamAlertChats(deps: { settings: SettingsReader }, via?: Db): Promise<string[]> {
  const chatId = (await deps.settings.current(via)).telegramChatId;
  return chatId ? [chatId] : [];
}
