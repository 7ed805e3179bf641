import type { SecondFactorMethod } from "../api/types";
import { useI18n } from "../i18n";
import { AuthLayout } from "../ui/AuthLayout";
import { Button } from "../ui/Button";

/** Step 2 for a new agent: pick Telegram or an authenticator app as the second factor. */
export function EnrollChoiceStep({
	onChoose,
	onRestart,
}: {
	onChoose: (method: SecondFactorMethod) => void;
	onRestart: () => void;
}) {
	const { t } = useI18n();
	const choices: { method: SecondFactorMethod; title: string; description: string }[] = [
		{ method: "telegram", title: t("enroll.telegram"), description: t("enroll.telegramDescription") },
		{ method: "totp", title: t("enroll.totp"), description: t("enroll.totpDescription") },
	];
	return (
		<AuthLayout title={t("enroll.title")} intro={t("enroll.intro")}>
			<ul class="choice-list">
				{choices.map((choice) => (
					<li key={choice.method}>
						<button type="button" class="choice" onClick={() => onChoose(choice.method)}>
							<span class="choice-title">{choice.title}</span>
							<span class="choice-description">{choice.description}</span>
						</button>
					</li>
				))}
			</ul>
			<div class="step-footer">
				<Button variant="link" onClick={onRestart}>
					{t("signIn.startOver")}
				</Button>
			</div>
		</AuthLayout>
	);
}
