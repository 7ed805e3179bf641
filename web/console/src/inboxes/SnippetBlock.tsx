import { useId } from "preact/hooks";
import { useI18n } from "../i18n";
import { useCopy } from "../ui/useCopy";

/** An inbox's embed snippet in a code block, with a Copy button (the clipboard; on refusal the code is selected). */
export function SnippetBlock({ snippet }: { snippet: string }) {
	const { t } = useI18n();
	const id = useId();
	const { copied, copy } = useCopy(snippet, id);

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
