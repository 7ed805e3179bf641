import type { InstallSettingKey } from "./settings.ts";

// Kept apart from settings.ts, whose zod schemas would otherwise come along into the console's
// bundle (zod is most of 80 KB there) for the sake of this one table.

/** The environment variable each setting defaults from, for the console and the README. */
export const INSTALL_SETTING_ENV: Record<InstallSettingKey, string> = {
  recording: "RECORDING",
  recordingRetentionDays: "RECORDING_RETENTION_DAYS",
  conversationRetentionDays: "CONVERSATION_RETENTION_DAYS",
  attachmentRetentionDays: "ATTACHMENT_RETENTION_DAYS",
  callDailyLimit: "CALL_DAILY_LIMIT",
  callVisitorDailyLimit: "CALL_VISITOR_DAILY_LIMIT",
  callAgentDailyLimit: "CALL_AGENT_DAILY_LIMIT",
  ringTimeoutS: "CALL_RING_TIMEOUT_S",
  preChat: "PRECHAT_FIELDS",
  languages: "(none: Turkish and English)",
  telegramChatId: "TELEGRAM_ADMIN_CHAT_ID",
};
