import { createI18n } from "../../../shared/i18n";
import { type CallsMessageKey, callsEn } from "./callsEn";
import { callsTr } from "./callsTr";
import { type CannedMessageKey, cannedEn } from "./cannedEn";
import { cannedTr } from "./cannedTr";
import { type CoreMessageKey, en } from "./en";
import { type InboxMessageKey, inboxEn } from "./inboxEn";
import { inboxTr } from "./inboxTr";
import { type ShortcutsMessageKey, shortcutsEn } from "./shortcutsEn";
import { shortcutsTr } from "./shortcutsTr";
import { type TimelineMessageKey, timelineEn } from "./timelineEn";
import { timelineTr } from "./timelineTr";
import { tr } from "./tr";
import { type TeamMessageKey, teamEn } from "./teamEn";
import { teamTr } from "./teamTr";

/** Every console string key: sign-in and settings (en.ts), the inbox (inboxEn.ts) and calls (callsEn.ts). */
export type MessageKey = CoreMessageKey | InboxMessageKey | CallsMessageKey | CannedMessageKey | TeamMessageKey | TimelineMessageKey | ShortcutsMessageKey;

/** Remembers the language chosen in the console separately from the chat widget's. */
const LANGUAGE_STORAGE_KEY = "destek.console.language";

export const { I18nProvider, useI18n } = createI18n<MessageKey>(
	{
		en: { ...en, ...inboxEn, ...callsEn, ...cannedEn, ...teamEn, ...timelineEn, ...shortcutsEn },
		tr: { ...tr, ...inboxTr, ...callsTr, ...cannedTr, ...teamTr, ...timelineTr, ...shortcutsTr },
	},
	LANGUAGE_STORAGE_KEY,
);
