import { useEffect, useId, useState } from "preact/hooks";
import { useI18n } from "../i18n";

const COPIED_FEEDBACK_MS = 2000;

/** An inbox's embed snippet in a code block, with a Copy button (the clipboard; on refusal the code is selected). */
export function SnippetBlock({ snippet }: { snippet: string }) {
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
			await navigator.clipboard.writeText(snippet);
			setCopied(true);
		} catch {
			const code = document.getElementById(id);
			if (code) getSelection()?.selectAllChildren(code);
		}
	}

	return (
		<div class="snippet">
			<figure class="snippet-figure">
				<figcaption class="snippet-label">{t("inboxes.snippet")}</figcaption>
				<pre class="snippet-code">
					<code id={id}>{snippet}</code>
				</pre>
			</figure>
			<div class="snippet-actions">
				<button type="button" class="button button-secondary" onClick={copy}>
					{t("common.copy")}
				</button>
				<span class="muted" role="status">
					{copied ? t("common.copied") : ""}
				</span>
			</div>
			<p class="field-hint">{t("inboxes.snippetHint")}</p>
		</div>
	);
}
