import type { Language } from "../../../shared/i18n";

// Dates are shown in the browser's time zone and formatted by Intl for the UI language.

const DAY_MS = 86_400_000;

function startOfDay(date: Date): number {
	return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/** Whole calendar days between the date and today (0 = today, 1 = yesterday). */
export function daysAgo(iso: string, now = new Date()): number {
	return Math.round((startOfDay(now) - startOfDay(new Date(iso))) / DAY_MS);
}

/** Inbox list: "14:05" today, "Mon" this week, "3 Jun" this year, else "03/06/2024". */
export function formatListTime(iso: string, language: Language, now = new Date()): string {
	const date = new Date(iso);
	const days = daysAgo(iso, now);
	if (days <= 0) return date.toLocaleTimeString(language, { hour: "numeric", minute: "2-digit" });
	if (days < 7) return date.toLocaleDateString(language, { weekday: "short" });
	if (date.getFullYear() === now.getFullYear()) return date.toLocaleDateString(language, { day: "numeric", month: "short" });
	return date.toLocaleDateString(language, { dateStyle: "short" });
}

/** "14:05", beside each message. */
export function formatClock(iso: string, language: Language): string {
	return new Date(iso).toLocaleTimeString(language, { hour: "numeric", minute: "2-digit" });
}

/** "Monday, 3 June 2024", for day separators (today/yesterday are words from the dictionary). */
export function formatDay(iso: string, language: Language): string {
	return new Date(iso).toLocaleDateString(language, { weekday: "long", day: "numeric", month: "long", year: "numeric" });
}

/** "3 Jun 2024, 14:05", for details and tooltips. */
export function formatDateTime(iso: string, language: Language): string {
	return new Date(iso).toLocaleString(language, { dateStyle: "medium", timeStyle: "short" });
}

/** "now", "5 minutes ago", "3 hours ago", then the date: how long ago, for times that keep moving (last seen). */
export function formatSince(iso: string, language: Language, now = Date.now()): string {
	const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
	const relative = new Intl.RelativeTimeFormat(language, { numeric: "auto" });
	if (seconds < 45) return relative.format(0, "second");
	if (seconds < 3600) return relative.format(-Math.max(1, Math.round(seconds / 60)), "minute");
	if (seconds < DAY_MS / 1000) return relative.format(-Math.round(seconds / 3600), "hour");
	return formatDateTime(iso, language);
}

/** "12 KB", "3.4 MB": file sizes in the language's number format. */
export function formatFileSize(bytes: number, language: Language): string {
	const units = ["byte", "kilobyte", "megabyte", "gigabyte"] as const;
	let value = bytes;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit += 1;
	}
	return new Intl.NumberFormat(language, {
		style: "unit",
		unit: units[unit],
		unitDisplay: unit === 0 ? "long" : "short",
		maximumFractionDigits: value < 10 && unit > 0 ? 1 : 0,
	}).format(value);
}

/** "0:42", the length of a voice message. */
export function formatDuration(ms: number): string {
	const seconds = Math.round(ms / 1000);
	return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}
