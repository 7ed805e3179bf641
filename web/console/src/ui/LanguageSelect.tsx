import { useId } from "preact/hooks";
import { isLanguage, LANGUAGE_NAMES, LANGUAGES } from "../../../shared/i18n";
import { useI18n } from "../i18n";

/** A compact language picker; the label is visually hidden but read by screen readers. */
export function LanguageSelect() {
	const { language, chooseLanguage, t } = useI18n();
	const id = useId();
	return (
		<div class="language-select">
			<label for={id} class="visually-hidden">
				{t("common.language")}
			</label>
			<select
				id={id}
				value={language}
				onChange={(event) => {
					const next = event.currentTarget.value;
					if (isLanguage(next)) chooseLanguage(next);
				}}
			>
				{LANGUAGES.map((option) => (
					<option key={option} value={option} lang={option}>
						{LANGUAGE_NAMES[option]}
					</option>
				))}
			</select>
		</div>
	);
}
