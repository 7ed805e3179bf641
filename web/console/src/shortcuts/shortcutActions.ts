import { navigate, ROUTES } from "../router";
import type { ShortcutId } from "./keymap";

// What each shortcut does. Most act on the control the page already shows, marked with
// `data-shortcut="<id>"` (the Resolve button, the Message box…), so a shortcut does exactly what a
// click does and does nothing when that control is not on screen. A page that owns a shortcut's
// meaning (the inbox's Escape) registers a handler instead.

/** The element marked for a shortcut that the agent can see now, if any. */
function visibleTarget(id: string): HTMLElement | null {
	const marked = document.querySelectorAll<HTMLElement>(`[data-shortcut="${id}"]`);
	return Array.from(marked).find((element) => element.getClientRects().length > 0 && !element.hasAttribute("disabled")) ?? null;
}

/** The conversation links the agent can currently see (on a phone the list may be hidden). */
function visibleConversationLinks(): HTMLElement[] {
	return Array.from(document.querySelectorAll<HTMLElement>("[data-conversation-link]")).filter(
		(link) => link.getClientRects().length > 0,
	);
}

/** The focused conversation row, else the open one. */
function currentRow(links: HTMLElement[]): number {
	const active = document.activeElement;
	const focused = active instanceof HTMLElement ? links.indexOf(active) : -1;
	return focused !== -1 ? focused : links.findIndex((link) => link.getAttribute("aria-current") === "true");
}

/** Moves focus to the next (+1) or previous (-1) conversation in the list. */
function moveInList(step: 1 | -1): boolean {
	const links = visibleConversationLinks();
	if (links.length === 0) return false;
	const from = currentRow(links);
	const next = links[from === -1 ? 0 : Math.min(links.length - 1, Math.max(0, from + step))];
	next?.focus();
	next?.scrollIntoView({ block: "nearest" });
	return true;
}

function openFocusedRow(): boolean {
	const links = visibleConversationLinks();
	const row = links[currentRow(links)];
	row?.click();
	return row !== undefined;
}

function click(id: string): boolean {
	const target = visibleTarget(id);
	target?.click();
	return target !== null;
}

function focus(id: string): boolean {
	const target = visibleTarget(id);
	target?.focus();
	return target !== null;
}

/** The Message box, in reply mode (`note: false`) or note mode (`note: true`). */
function compose(note: boolean): boolean {
	const toggle = visibleTarget("note");
	if (toggle && (toggle.getAttribute("aria-pressed") === "true") !== note) toggle.click();
	return focus("reply");
}

/** Handlers a mounted page registers for a shortcut it gives its own meaning (see useShortcutHandler). */
const handlers = new Map<ShortcutId, () => boolean>();

/** Lets a page own a shortcut while mounted; the handler answers whether it did something. */
export function registerShortcutHandler(id: ShortcutId, handler: () => boolean): () => void {
	handlers.set(id, handler);
	return () => {
		if (handlers.get(id) === handler) handlers.delete(id);
	};
}

/** Carries out a shortcut; false when it means nothing here (the key then does what it always does). */
export function runShortcut(id: ShortcutId): boolean {
	const handler = handlers.get(id);
	if (handler) return handler();
	switch (id) {
		case "next":
			return moveInList(1);
		case "previous":
			return moveInList(-1);
		case "open":
			return openFocusedRow();
		case "reply":
			return compose(false);
		case "note":
			return compose(true);
		case "search":
			return focus("search");
		case "resolve":
		case "assignToMe":
		case "acceptCall":
		case "rejectCall":
			return click(id);
		case "goInbox":
			navigate(ROUTES.home);
			return true;
		case "goCalls":
			navigate(ROUTES.calls);
			return true;
		case "back":
		case "help":
			return false;
	}
}
