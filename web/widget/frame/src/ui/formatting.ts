import type { Language } from "../../../../shared/i18n";

const timeFormats = new Map<Language, Intl.DateTimeFormat>();

/** "14:05" or "2:05 PM", as the visitor's language writes it. */
export function formatTime(iso: string, language: Language): string {
	let format = timeFormats.get(language);
	if (!format) {
		format = new Intl.DateTimeFormat(language, { hour: "numeric", minute: "2-digit" });
		timeFormats.set(language, format);
	}
	const date = new Date(iso);
	return Number.isNaN(date.getTime()) ? "" : format.format(date);
}

/** "1:07" for 67 seconds. */
export function formatDuration(totalSeconds: number): string {
	const seconds = Math.max(0, Math.floor(totalSeconds));
	return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/** "340 KB", "2.5 MB". */
export function formatBytes(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
	return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
