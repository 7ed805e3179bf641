import type { Translate } from "../../../shared/i18n";
import type { MessageKey } from "../i18n";

/** The first characters of an id: enough to tell visitors apart, short enough to say aloud. */
export function shortId(id: string): string {
	return id.replace(/-/g, "").slice(0, 6);
}

/** The visitor's name, else "Visitor #1a2b3c" from their id. */
export function visitorName(visitor: { id: string; name: string | null }, t: Translate<MessageKey>): string {
	return visitor.name?.trim() || t("visitor.anonymous", { id: shortId(visitor.id) });
}

/** Up to two initials for an avatar, "?" when the name has no letters. */
export function initials(name: string): string {
	const letters = name
		.split(/\s+/)
		.filter((word) => /\p{L}/u.test(word))
		.slice(0, 2)
		.map((word) => (word.match(/\p{L}/u)?.[0] ?? "").toLocaleUpperCase());
	return letters.join("") || "?";
}
