import { useEffect, useState } from "preact/hooks";

const COPIED_FEEDBACK_MS = 2000;

/**
 * Copies `value` to the clipboard; `copied` is true for a moment after. When clipboard access is
 * denied, the element `selectId` is selected instead, so a manual copy is one keystroke away.
 */
export function useCopy(value: string, selectId: string): { copied: boolean; copy: () => Promise<void> } {
	const [copied, setCopied] = useState(false);

	useEffect(() => {
		if (!copied) return;
		const timer = setTimeout(() => setCopied(false), COPIED_FEEDBACK_MS);
		return () => clearTimeout(timer);
	}, [copied]);

	async function copy() {
		try {
			await navigator.clipboard.writeText(value);
			setCopied(true);
		} catch {
			const element = document.getElementById(selectId);
			if (element) getSelection()?.selectAllChildren(element);
		}
	}

	return { copied, copy };
}
