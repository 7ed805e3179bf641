import type { Language } from "../../shared/i18n";

/** The loader's few strings; kept here so the loader does not pull in the frame's dictionaries. */
export interface LoaderStrings {
	open: string;
	close: string;
	unread: (count: number) => string;
	/** The preview bubble's accessible name: who wrote, and the first line. */
	preview: (name: string, line: string) => string;
	/** The author when the agent's name is unknown. */
	team: string;
	/** The preview's line for a message with only files. */
	file: string;
	dismiss: string;
}

const STRINGS: Record<Language, LoaderStrings> = {
	en: {
		open: "Open chat",
		close: "Close chat",
		unread: (count) => (count === 1 ? "1 unread message" : `${count} unread messages`),
		preview: (name, line) => `New message from ${name}: ${line}`,
		team: "Support",
		file: "Sent a file",
		dismiss: "Dismiss message preview",
	},
	tr: {
		open: "Sohbeti aç",
		close: "Sohbeti kapat",
		unread: (count) => `${count} okunmamış mesaj`,
		preview: (name, line) => `${name} yeni bir mesaj gönderdi: ${line}`,
		team: "Destek",
		file: "Bir dosya gönderdi",
		dismiss: "Mesaj önizlemesini kapat",
	},
};

export function loaderStrings(language: Language): LoaderStrings {
	return STRINGS[language];
}
