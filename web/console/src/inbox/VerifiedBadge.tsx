import { useI18n } from "../i18n";

/** Marks a visitor the site verified as one of its signed-in users (a signed user id). */
export function VerifiedBadge() {
	const { t } = useI18n();
	return (
		<span class="badge badge-on verified-badge" title={t("verified.title")}>
			{t("verified.label")}
		</span>
	);
}
