import { authApi } from "../api/authApi";
import { useI18n } from "../i18n";
import { AuthLayout } from "../ui/AuthLayout";
import { Button } from "../ui/Button";
import { ErrorAlert } from "../ui/ErrorAlert";
import { TelegramLinkPanel } from "../ui/TelegramLinkPanel";
import { EnrollStepFooter } from "./stepFooter";
import { useEnrollmentStart } from "./useEnrollmentStart";
import { useSignInAction } from "./useSignInAction";

/** Step 2 (Telegram): open the bot link, press Start, then ask for the first code. */
export function EnrollTelegramStep({
	ticket,
	onCodeSent,
	onOtherMethod,
	onRestart,
}: {
	ticket: string;
	onCodeSent: () => void;
	onOtherMethod: () => void;
	onRestart: (reason?: unknown) => void;
}) {
	const { t } = useI18n();
	const { value: link, action: linkAction } = useEnrollmentStart(ticket, authApi.enrollTelegram, "preparing the Telegram link", onRestart);
	const codeAction = useSignInAction(onRestart);

	async function sendCode() {
		if (await codeAction.run(() => authApi.sendCode(ticket))) onCodeSent();
	}

	return (
		<AuthLayout title={t("enroll.telegramTitle")} intro={t("enroll.telegramSteps")}>
			<ErrorAlert error={linkAction.error ?? codeAction.error} />
			{linkAction.busy && <p class="muted">{t("app.loading")}</p>}
			{link && (
				<>
					<TelegramLinkPanel link={link} />
					<Button variant="primary" class="button-block" busy={codeAction.busy} onClick={sendCode}>
						{t("enroll.sendCode")}
					</Button>
				</>
			)}
			<EnrollStepFooter onOtherMethod={onOtherMethod} onRestart={onRestart} />
		</AuthLayout>
	);
}
