import { createI18n, type Translate } from "../../../../shared/i18n";
import { waitParts } from "../chat/refusal";
import { frameOptions } from "../frameOptions";
import { en, type MessageKey } from "./en";
import { tr } from "./tr";

export type { MessageKey };

/** The embed code decides the widget's language (data-language, else the browser's). */
export const { I18nProvider, useI18n } = createI18n<MessageKey>({ en, tr }, "destek:language", {
	initialLanguage: frameOptions.language,
});

/** The visitor-facing text for a server or widget error id; unknown ids fall back to a generic line. */
export function describeError(error: { id: string; message?: string; retryAfterMs?: number }, t: Translate<MessageKey>): string {
	const key = `error.${error.id}`;
	// Our own words in the visitor's language first, then the server's (English) message.
	if (Object.hasOwn(en, key)) {
		if (error.retryAfterMs === undefined) return t(key as MessageKey, { wait: t("wait.later") });
		const { unit, count } = waitParts(error.retryAfterMs);
		const wait = unit === "hours" ? t("wait.hours", { count }) : count === 1 ? t("wait.minute") : t("wait.minutes", { count });
		return t(key as MessageKey, { wait });
	}
	return error.message || t("error.unknown");
}
