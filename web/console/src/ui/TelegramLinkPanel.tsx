import type { TelegramLink } from "../api/types";
import { useI18n } from "../i18n";
import { CopyableText } from "./CopyableText";

/** Only https links are rendered as clickable, whatever the server sends. */
function isHttpsUrl(value: string): boolean {
	try {
		return new URL(value).protocol === "https:";
	} catch {
		return false;
	}
}

/** The t.me link that connects an agent to the bot: open button, copyable text and expiry. */
export function TelegramLinkPanel({ link }: { link: TelegramLink }) {
	const { t, language } = useI18n();
	const expires = new Date(link.expiresAt);
	return (
		<div class="stack">
			{isHttpsUrl(link.link) && (
				<a class="button button-primary" href={link.link} target="_blank" rel="noopener noreferrer">
					{t("telegramLink.open")}
					<span class="visually-hidden"> {t("common.opensInNewTab")}</span>
				</a>
			)}
			<CopyableText label={t("telegramLink.label")} value={link.link} />
			{!Number.isNaN(expires.getTime()) && (
				<p class="muted">
					{t("common.linkExpires", {
						time: expires.toLocaleTimeString(language, { hour: "2-digit", minute: "2-digit" }),
					})}
				</p>
			)}
		</div>
	);
}
