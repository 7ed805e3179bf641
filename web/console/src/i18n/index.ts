import { createI18n } from "../../../shared/i18n";
import { en, type MessageKey } from "./en";
import { tr } from "./tr";

export type { MessageKey };

/** Remembers the language chosen in the console separately from the chat widget's. */
const LANGUAGE_STORAGE_KEY = "destek.console.language";

export const { I18nProvider, useI18n } = createI18n<MessageKey>({ en, tr }, LANGUAGE_STORAGE_KEY);
