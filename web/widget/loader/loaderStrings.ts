import type { Language } from "../../shared/i18n";

/** The loader's few strings; kept here so the loader does not pull in the frame's dictionaries. */
export interface LoaderStrings {
	open: string;
	close: string;
	unread: (count: number) => string;
}

const STRINGS: Record<Language, LoaderStrings> = {
	en: {
		open: "Open chat",
		close: "Close chat",
		unread: (count) => (count === 1 ? "1 unread message" : `${count} unread messages`),
	},
	tr: {
		open: "Sohbeti aç",
		close: "Sohbeti kapat",
		unread: (count) => `${count} okunmamış mesaj`,
	},
};

export function loaderStrings(language: Language): LoaderStrings {
	return STRINGS[language];
}
