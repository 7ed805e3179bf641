import type { SecondFactorMethod } from "../api/types";
import { useI18n } from "../i18n";
import { AuthLayout } from "../ui/AuthLayout";
import { StartOverButton } from "./stepFooter";

/** Step 2 for a new agent: pick Telegram or an authenticator app as the second factor. */
export function EnrollChoiceStep({
	telegramAvailable,
	onChoose,
	onRestart,
}: {
	/** False when the server has no Telegram bot: the choice is shown disabled, with why. */
	telegramAvailable: boolean;
	onChoose: (method: SecondFactorMethod) => void;
	onRestart: () => void;
}) {
	const { t } = useI18n();
	const choices: { method: SecondFactorMethod; title: string; description: string; disabled: boolean }[] = [
		{
			method: "telegram",
			title: t("enroll.telegram"),
			description: telegramAvailable ? t("enroll.telegramDescription") : t("enroll.telegramUnavailable"),
			disabled: !telegramAvailable,
		},
		{ method: "totp", title: t("enroll.totp"), description: t("enroll.totpDescription"), disabled: false },
	];
	return (
		<AuthLayout title={t("enroll.title")} intro={t("enroll.intro")}>
			<ul class="choice-list">
				{choices.map((choice) => (
					<li key={choice.method}>
						<button type="button" class="choice" disabled={choice.disabled} onClick={() => onChoose(choice.method)}>
							<span class="choice-title">{choice.title}</span>
							<span class="choice-description">{choice.description}</span>
						</button>
					</li>
				))}
			</ul>
			<div class="step-footer">
				<StartOverButton onRestart={onRestart} />
			</div>
		</AuthLayout>
	);
}
