import { useEffect, useRef } from "preact/hooks";
import { KeySequence, keyName, type ShortcutId } from "./keymap";
import { registerShortcutHandler, runShortcut } from "./shortcutActions";

/** True when the key press goes into a text field (typing is never a shortcut, Escape aside). */
export function isTextEntry(target: EventTarget | null): boolean {
	if (!(target instanceof HTMLElement)) return false;
	if (target.isContentEditable || target.matches("textarea, select, [role='textbox'], [role='combobox']")) return true;
	// Buttons and checkboxes are inputs too, but pressing j on them is not typing.
	return target instanceof HTMLInputElement && !["button", "checkbox", "radio", "submit", "reset", "range", "color", "file"].includes(target.type);
}

/**
 * Listens for the console's shortcuts (keymap.ts) on the whole signed-in console. Typing in a
 * field is never a shortcut: there Escape only leaves the field, so the next j or k moves through
 * the list. Open dialogs and menus keep their own keys (they handle Escape first).
 */
export function useShortcuts(): void {
	useEffect(() => {
		const sequence = new KeySequence();
		const onKeyDown = (event: KeyboardEvent) => {
			if (event.defaultPrevented || event.isComposing || event.repeat) return;
			if (document.querySelector("dialog[open]")) return;
			const key = keyName(event);
			if (key === null) return;
			if (isTextEntry(event.target)) {
				if (key === "Escape" && event.target instanceof HTMLElement) {
					event.target.blur();
					event.preventDefault();
				}
				return;
			}
			const id = sequence.press(key, event.timeStamp);
			if (id === "pending") {
				event.preventDefault();
				return;
			}
			if (id && runShortcut(id)) event.preventDefault();
		};
		document.addEventListener("keydown", onKeyDown);
		return () => document.removeEventListener("keydown", onKeyDown);
	}, []);
}

/** Gives a shortcut this component's meaning while it is mounted (the inbox's Escape goes back). */
export function useShortcutHandler(id: ShortcutId, handler: () => boolean): void {
	const latest = useRef(handler);
	latest.current = handler;
	useEffect(() => registerShortcutHandler(id, () => latest.current()), [id]);
}
