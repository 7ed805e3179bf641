import { createI18n } from "../../../shared/i18n";
import { type CoreMessageKey, en } from "./en";
import { type InboxMessageKey, inboxEn } from "./inboxEn";
import { inboxTr } from "./inboxTr";
import { tr } from "./tr";

/** Every console string key: sign-in and settings (en.ts) plus the inbox (inboxEn.ts). */
export type MessageKey = CoreMessageKey | InboxMessageKey;

/** Remembers the language chosen in the console separately from the chat widget's. */
const LANGUAGE_STORAGE_KEY = "destek.console.language";

export const { I18nProvider, useI18n } = createI18n<MessageKey>(
	{ en: { ...en, ...inboxEn }, tr: { ...tr, ...inboxTr } },
	LANGUAGE_STORAGE_KEY,
);
