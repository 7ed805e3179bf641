// The console's keyboard shortcuts, in one place: what each key does (for the `?` sheet) and how a
// key press (or the two-key "g i") becomes a shortcut. The actions themselves live in shortcutActions.ts.

/** What a shortcut does; runShortcut (shortcutActions.ts) carries it out. */
export type ShortcutId =
	| "next"
	| "previous"
	| "open"
	| "reply"
	| "note"
	| "resolve"
	| "assignToMe"
	| "search"
	| "goInbox"
	| "goCalls"
	| "acceptCall"
	| "rejectCall"
	| "back"
	| "help";

export type ShortcutGroup = "list" | "conversation" | "calls" | "go" | "general";

export interface Shortcut {
	id: ShortcutId;
	/** The key presses, as `KeyboardEvent.key` values: one for a single key, two for a sequence ("g", "i"). */
	keys: readonly string[];
	/** Other keys doing the same, shown on the sheet; "Enter" on a focused row is the browser's own. */
	alsoShown?: readonly string[];
	group: ShortcutGroup;
}

/** Every shortcut, in the order the `?` sheet lists them. Letters are matched case-insensitively. */
export const SHORTCUTS: readonly Shortcut[] = [
	{ id: "next", keys: ["j"], group: "list" },
	{ id: "previous", keys: ["k"], group: "list" },
	{ id: "open", keys: ["o"], alsoShown: ["Enter"], group: "list" },
	{ id: "search", keys: ["/"], group: "list" },
	{ id: "reply", keys: ["r"], group: "conversation" },
	{ id: "note", keys: ["n"], group: "conversation" },
	{ id: "resolve", keys: ["e"], group: "conversation" },
	{ id: "assignToMe", keys: ["a"], group: "conversation" },
	{ id: "acceptCall", keys: ["Shift+A"], group: "calls" },
	{ id: "rejectCall", keys: ["Shift+R"], group: "calls" },
	{ id: "goInbox", keys: ["g", "i"], group: "go" },
	{ id: "goCalls", keys: ["g", "c"], group: "go" },
	{ id: "back", keys: ["Escape"], group: "general" },
	{ id: "help", keys: ["?"], group: "general" },
];

/** Keys the composer itself handles, listed on the sheet with the shortcuts (not bound here). */
export const COMPOSER_KEYS = [
	{ keys: ["Enter"], what: "send" },
	{ keys: ["Shift+Enter"], what: "newLine" },
	{ keys: ["/"], what: "canned" },
	{ keys: ["@"], what: "mention" },
] as const;

/** How long the second key of a sequence ("g" then "i") may wait. */
export const SEQUENCE_MS = 1500;

/** The parts of a key press the keymap reads (a KeyboardEvent has them). */
export interface KeyPress {
	key: string;
	ctrlKey: boolean;
	metaKey: boolean;
	altKey: boolean;
	shiftKey: boolean;
}

/** The key as the keymap writes it: "j", "?", "Escape", "Shift+A"; null for presses with other modifiers. */
export function keyName(event: KeyPress): string | null {
	if (event.ctrlKey || event.metaKey || event.altKey) return null;
	const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
	// Shift with a letter is its own shortcut; with "?" or "/" it is just how the layout types them.
	if (event.shiftKey && /^[a-z]$/.test(key)) return `Shift+${key.toUpperCase()}`;
	return key;
}

/**
 * Turns key presses into shortcuts. Feed it every press that is not typing: it answers the
 * shortcut, "pending" while a sequence waits for its second key, or null.
 */
export class KeySequence {
	private first: { key: string; at: number } | null = null;

	press(key: string, now: number): ShortcutId | "pending" | null {
		const first = this.first && now - this.first.at <= SEQUENCE_MS ? this.first.key : null;
		this.first = null;
		if (first) {
			const sequence = SHORTCUTS.find((s) => s.keys.length === 2 && s.keys[0] === first && s.keys[1] === key);
			if (sequence) return sequence.id;
		}
		if (SHORTCUTS.some((s) => s.keys.length === 2 && s.keys[0] === key)) {
			this.first = { key, at: now };
			return "pending";
		}
		return SHORTCUTS.find((s) => s.keys.length === 1 && s.keys[0] === key)?.id ?? null;
	}
}
