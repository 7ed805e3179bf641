import { useEffect, useState } from "preact/hooks";
import { authApi } from "../api/authApi";
import type { TelegramLink } from "../api/types";
import { useI18n } from "../i18n";
import { AuthLayout } from "../ui/AuthLayout";
import { Button } from "../ui/Button";
import { ErrorAlert } from "../ui/ErrorAlert";
import { TelegramLinkPanel } from "../ui/TelegramLinkPanel";
import { useSignInAction } from "./useSignInAction";
import { logFailure } from "../../../shared/logFailure";

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
	const [link, setLink] = useState<TelegramLink | null>(null);
	const linkAction = useSignInAction(onRestart);
	const codeAction = useSignInAction(onRestart);
	const { run: runLinkAction } = linkAction;

	useEffect(() => {
		runLinkAction(() => authApi.enrollTelegram(ticket)).then((result) => {
			if (result) setLink(result.value);
		}, logFailure("preparing the Telegram link"));
	}, [ticket, runLinkAction]);

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
			<div class="step-footer">
				<Button variant="link" onClick={onOtherMethod}>
					{t("enroll.otherMethod")}
				</Button>
				<Button variant="link" onClick={() => onRestart()}>
					{t("signIn.startOver")}
				</Button>
			</div>
		</AuthLayout>
	);
}
