import { useEffect, useRef } from "preact/hooks";

function isTextEntry(target: EventTarget | null): boolean {
	return (
		target instanceof HTMLElement &&
		(target.isContentEditable || target.matches("input, textarea, select, [role='textbox']"))
	);
}

/** The conversation links the agent can currently see (on a phone the list may be hidden). */
function visibleConversationLinks(): HTMLElement[] {
	return Array.from(document.querySelectorAll<HTMLElement>("[data-conversation-link]")).filter(
		(link) => link.getClientRects().length > 0,
	);
}

/** Moves focus to the next (+1) or previous (-1) conversation in the list, from focus or selection. */
function moveInList(step: 1 | -1): boolean {
	const links = visibleConversationLinks();
	if (links.length === 0) return false;
	const active = document.activeElement;
	const focused = active instanceof HTMLElement ? links.indexOf(active) : -1;
	const from = focused !== -1 ? focused : links.findIndex((link) => link.getAttribute("aria-current") === "true");
	const next = links[from === -1 ? 0 : Math.min(links.length - 1, Math.max(0, from + step))];
	next?.focus();
	next?.scrollIntoView({ block: "nearest" });
	return true;
}

/**
 * Inbox shortcuts: j/k move through the list (Enter on a focused item opens it, as links do),
 * Escape closes the visitor details or, on a phone, goes back one column. Typing in a field is
 * never hijacked by j/k.
 */
export function useInboxKeyboard(options: { isPhone: boolean; detailsOpen: boolean; onBack: () => void }): void {
	const latest = useRef(options);
	latest.current = options;

	useEffect(() => {
		const onKeyDown = (event: KeyboardEvent) => {
			// Menus and dialogs handle their own Escape; modifier combinations belong to the browser.
			if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
			if (document.querySelector("dialog[open]")) return;
			if (event.key === "Escape") {
				// Details slid over the conversation close with Escape at any width.
				if (!latest.current.isPhone && !latest.current.detailsOpen) return;
				event.preventDefault();
				latest.current.onBack();
			} else if ((event.key === "j" || event.key === "k") && !isTextEntry(event.target)) {
				if (moveInList(event.key === "j" ? 1 : -1)) event.preventDefault();
			}
		};
		document.addEventListener("keydown", onKeyDown);
		return () => document.removeEventListener("keydown", onKeyDown);
	}, []);
}
