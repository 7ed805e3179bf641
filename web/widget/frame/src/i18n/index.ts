import { createI18n, type Translate } from "../../../../shared/i18n";
import { waitParts } from "../chat/refusal";
import { frameOptions } from "../frameOptions";
import type { MessageKey } from "./en";

export type { MessageKey };

// Only the visitor's language is downloaded (a chunk of its own, fetched while the frame starts):
// the other dictionary would be dead weight in every visitor's first load.
const dictionaries = {} as Record<"en" | "tr", Record<MessageKey, string>>;

/** Loads the widget's language; the frame renders once it is there. */
export async function loadDictionary(): Promise<void> {
	const language = frameOptions.language;
	dictionaries[language] = language === "tr" ? (await import("./tr")).tr : (await import("./en")).en;
}

/** The embed code decides the widget's language (data-language, else the browser's), if the inbox offers it. */
// Read when the widget renders: the inbox's offered languages may have changed it since start.
export const { I18nProvider, useI18n } = createI18n<MessageKey>(dictionaries, "destek:language", {
	get initialLanguage() {
		return frameOptions.language;
	},
});

/** The visitor-facing text for a server or widget error id; unknown ids fall back to a generic line. */
export function describeError(error: { id: string; message?: string; retryAfterMs?: number }, t: Translate<MessageKey>): string {
	const key = `error.${error.id}`;
	// Our own words in the visitor's language first, then the server's (English) message.
	if (Object.hasOwn(dictionaries[frameOptions.language] ?? {}, key)) {
		if (error.retryAfterMs === undefined) return t(key as MessageKey, { wait: t("wait.later") });
		const { unit, count } = waitParts(error.retryAfterMs);
		const wait = unit === "hours" ? t("wait.hours", { count }) : count === 1 ? t("wait.minute") : t("wait.minutes", { count });
		return t(key as MessageKey, { wait });
	}
	return error.message || t("error.unknown");
}
