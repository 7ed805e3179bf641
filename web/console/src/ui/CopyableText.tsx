import { useEffect, useId, useState } from "preact/hooks";
import { useI18n } from "../i18n";

const COPIED_FEEDBACK_MS = 2000;

/** Read-only text (a link or a key) the user can select, or copy with one button. */
export function CopyableText({ label, value }: { label: string; value: string }) {
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
			const input = document.getElementById(id);
			if (input instanceof HTMLInputElement) input.select();
		}
	}

	return (
		<div class="field">
			<label for={id}>{label}</label>
			<div class="copyable">
				<input
					id={id}
					class="copyable-value"
					value={value}
					readOnly
					spellcheck={false}
					onFocus={(event) => event.currentTarget.select()}
				/>
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
