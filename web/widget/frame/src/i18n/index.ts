import { createI18n, type Translate } from "../../../../shared/i18n";
import { frameOptions } from "../frameOptions";
import { en, type MessageKey } from "./en";
import { tr } from "./tr";

export type { MessageKey };

/** The embed code decides the widget's language (data-language, else the browser's). */
export const { I18nProvider, useI18n } = createI18n<MessageKey>({ en, tr }, "destek:language", {
	initialLanguage: frameOptions.language,
});

/** The visitor-facing text for a server or widget error id; unknown ids fall back to a generic line. */
export function describeError(error: { id: string }, t: Translate<MessageKey>): string {
	const key = `error.${error.id}`;
	return t(Object.hasOwn(en, key) ? (key as MessageKey) : "error.unknown");
}
