import { z } from "zod";
import { inboxSettings, preChatFields, widgetLanguage } from "./inboxes.ts";

// Install-wide settings an admin changes in the console (Settings page). Each one has an
// environment variable as its first-boot default: a key never saved in the console takes the
// environment's value; once saved, the database wins (README, "Configuration").

export const recordingMode = z.enum(["off", "audio", "audio+video"]);
export type RecordingModeSetting = z.infer<typeof recordingMode>;

const telegramChatId = z.string().regex(/^-?\d{1,20}$/, "must be a numeric Telegram chat id");

/** Days something is kept (README, "Data retention"); null keeps it for good. */
const retentionDays = z.number().int().min(1).max(36_500).nullable();

/** Every install-wide setting, with its bounds (the same as the environment variable's). */
export const installSettings = z.object({
  /** RECORDING */
  recording: recordingMode,
  /** RECORDING_RETENTION_DAYS; null keeps recordings. */
  recordingRetentionDays: retentionDays,
  /** CONVERSATION_RETENTION_DAYS: resolved conversations' contents go this many local days after the resolve; null keeps them. */
  conversationRetentionDays: retentionDays,
  /** ATTACHMENT_RETENTION_DAYS: files go this many local days after the upload; null keeps them. */
  attachmentRetentionDays: retentionDays,
  /** CALL_DAILY_LIMIT: calls the team answers per day. */
  callDailyLimit: z.number().int().min(0).max(1_000_000),
  /** CALL_VISITOR_DAILY_LIMIT */
  callVisitorDailyLimit: z.number().int().min(0).max(1000),
  /** CALL_AGENT_DAILY_LIMIT; null: no limit per agent. */
  callAgentDailyLimit: z.number().int().min(0).max(1000).nullable(),
  /** CALL_RING_TIMEOUT_S */
  ringTimeoutS: z.number().int().min(5).max(600),
  /** PRECHAT_FIELDS: the default pre-chat form (an inbox may set its own). */
  preChat: preChatFields,
  /** The languages the widget may offer (an inbox offers those of its own list that are here). */
  languages: z.array(widgetLanguage).min(1).max(2).refine((l) => new Set(l).size === l.length, "must not repeat a language"),
  /** TELEGRAM_ADMIN_CHAT_ID: the team chat; null: none. */
  telegramChatId: telegramChatId.nullable(),
});
export type InstallSettings = z.infer<typeof installSettings>;
export type InstallSettingKey = keyof InstallSettings;

export const INSTALL_SETTING_KEYS = Object.keys(installSettings.shape) as InstallSettingKey[];
export const installSettingKey = z.enum(INSTALL_SETTING_KEYS as [InstallSettingKey, ...InstallSettingKey[]]);

// The environment variable of each setting lives in settingEnv.ts, with no zod: the console imports it.
export { INSTALL_SETTING_ENV } from "./settingEnv.ts";

/** PUT /api/settings: the keys to change (at least one); unknown keys are refused. */
export const installSettingsPatch = installSettings
  .partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, "must change at least one setting");
export type InstallSettingsPatch = z.infer<typeof installSettingsPatch>;

/** GET/PUT /api/settings: the values in force, and which of them an admin saved (the rest are the environment's). */
export const installSettingsView = z.object({
  settings: installSettings,
  saved: z.array(installSettingKey),
});
export type InstallSettingsView = z.infer<typeof installSettingsView>;

/** GET/PUT /api/inboxes/:id/settings */
export const inboxSettingsView = z.object({ inboxId: z.string(), settings: inboxSettings });
export type InboxSettingsView = z.infer<typeof inboxSettingsView>;

/** GET /api/widget/config: what the widget shows, for its inbox and language. */
export const widgetLook = z.object({
  inboxId: z.string(),
  /** Null until an admin saves the inbox's look: the widget's built-in accent. */
  colour: z.string().nullable(),
  position: z.enum(["right", "left"]),
  /** In the widget's language; empty: the built-in text. */
  greeting: z.string(),
  languages: z.array(widgetLanguage),
  callsEnabled: z.boolean(),
});
export type WidgetLook = z.infer<typeof widgetLook>;
