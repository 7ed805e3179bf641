import { useId } from "preact/hooks";
import { useI18n } from "../i18n";
import { useCopy } from "./useCopy";

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
	const { copied, copy } = useCopy(value, id);

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
