import { useEffect, useId, useState } from "preact/hooks";
import { useI18n } from "../i18n";

const COPIED_FEEDBACK_MS = 2000;

/** Read-only text (a link or a key) shown in full, selectable with one tap, or copied with one button. */
export function CopyableText({
	label,
	value,
	displayValue = value,
}: {
	label: string;
	value: string;
	/** What to show, if it differs from what is copied (e.g. a key split into groups). */
	displayValue?: string;
}) {
	const { t } = useI18n();
	const id = useId();
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
			// Clipboard access can be denied; select the text so a manual copy is one keystroke away.
			const output = document.getElementById(id);
			if (output) getSelection()?.selectAllChildren(output);
		}
	}

	return (
		<div class="field">
			<label for={id}>{label}</label>
			<div class="copyable">
				<output id={id} class="copyable-value">
					{displayValue}
				</output>
				<button type="button" class="button button-secondary copy-button" onClick={copy}>
					{copied ? t("common.copied") : t("common.copy")}
				</button>
			</div>
			<p class="visually-hidden" role="status">
				{copied ? t("common.copied") : ""}
			</p>
		</div>
	);
}
