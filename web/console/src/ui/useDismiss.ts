import type { RefObject } from "preact";
import { useEffect } from "preact/hooks";

/** Closes a popover on a click outside `root` or on Escape (which then returns focus to `trigger`). */
export function useDismiss(
	open: boolean,
	close: () => void,
	root: RefObject<HTMLElement | null>,
	trigger: RefObject<HTMLElement | null>,
): void {
	useEffect(() => {
		if (!open) return;
		const onPointerDown = (event: PointerEvent) => {
			if (event.target instanceof Node && !root.current?.contains(event.target)) close();
		};
		const onKeyDown = (event: KeyboardEvent) => {
			if (event.key !== "Escape") return;
			// Handled here: the inbox must not also treat this Escape as "go back".
			event.preventDefault();
			close();
			trigger.current?.focus();
		};
		document.addEventListener("pointerdown", onPointerDown);
		document.addEventListener("keydown", onKeyDown, true);
		return () => {
			document.removeEventListener("pointerdown", onPointerDown);
			document.removeEventListener("keydown", onKeyDown, true);
		};
	}, [open, close, root, trigger]);
}
