import { createI18n } from "../../../shared/i18n";
import { type AccessLogMessageKey, accessLogEn } from "./accessLogEn";
import { accessLogTr } from "./accessLogTr";
import { type ApiTokensMessageKey, apiTokensEn } from "./apiTokensEn";
import { apiTokensTr } from "./apiTokensTr";
import { type CallsMessageKey, callsEn } from "./callsEn";
import { callsTr } from "./callsTr";
import { type CallbacksMessageKey, callbacksEn } from "./callbacksEn";
import { callbacksTr } from "./callbacksTr";
import { type CannedMessageKey, cannedEn } from "./cannedEn";
import { cannedTr } from "./cannedTr";
import { type ContactsMessageKey, contactsEn } from "./contactsEn";
import { contactsTr } from "./contactsTr";
import { type CoreMessageKey, en } from "./en";
import { type InboxMessageKey, inboxEn } from "./inboxEn";
import { type LabelsMessageKey, labelsEn } from "./labelsEn";
import { labelsTr } from "./labelsTr";
import { type InboxesMessageKey, inboxesEn } from "./inboxesEn";
import { inboxesTr } from "./inboxesTr";
import { inboxTr } from "./inboxTr";
import { type ShortcutsMessageKey, shortcutsEn } from "./shortcutsEn";
import { shortcutsTr } from "./shortcutsTr";
import { type TimelineMessageKey, timelineEn } from "./timelineEn";
import { timelineTr } from "./timelineTr";
import { tr } from "./tr";
import { type SettingsMessageKey, settingsEn } from "./settingsEn";
import { settingsTr } from "./settingsTr";
import { type TeamMessageKey, teamEn } from "./teamEn";
import { teamTr } from "./teamTr";
import { type StatusMessageKey, statusEn } from "./statusEn";
import { statusTr } from "./statusTr";
import { type PushMessageKey, pushEn } from "./pushEn";
import { pushTr } from "./pushTr";
import { type WebhooksMessageKey, webhooksEn } from "./webhooksEn";
import { webhooksTr } from "./webhooksTr";
import { type ReportsMessageKey, reportsEn } from "./reportsEn";
import { reportsTr } from "./reportsTr";

/** Every console string key: sign-in and settings (en.ts), the inbox (inboxEn.ts) and calls (callsEn.ts). */
export type MessageKey = CoreMessageKey | InboxMessageKey | CallsMessageKey | CannedMessageKey | TeamMessageKey | TimelineMessageKey | ContactsMessageKey | StatusMessageKey | LabelsMessageKey | CallbacksMessageKey | InboxesMessageKey | SettingsMessageKey | ShortcutsMessageKey | AccessLogMessageKey | ApiTokensMessageKey | PushMessageKey | WebhooksMessageKey | ReportsMessageKey;

/** Remembers the language chosen in the console separately from the chat widget's. */
const LANGUAGE_STORAGE_KEY = "destek.console.language";

export const { I18nProvider, useI18n } = createI18n<MessageKey>(
	{
		en: { ...en, ...inboxEn, ...callsEn, ...cannedEn, ...teamEn, ...timelineEn, ...contactsEn, ...statusEn, ...labelsEn, ...callbacksEn, ...inboxesEn, ...settingsEn, ...shortcutsEn, ...accessLogEn, ...apiTokensEn, ...pushEn, ...webhooksEn, ...reportsEn },
		tr: { ...tr, ...inboxTr, ...callsTr, ...cannedTr, ...teamTr, ...timelineTr, ...contactsTr, ...statusTr, ...labelsTr, ...callbacksTr, ...inboxesTr, ...settingsTr, ...shortcutsTr, ...accessLogTr, ...apiTokensTr, ...pushTr, ...webhooksTr, ...reportsTr },
	},
	LANGUAGE_STORAGE_KEY,
);
