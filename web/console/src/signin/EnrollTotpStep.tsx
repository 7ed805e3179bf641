import { useEffect, useState } from "preact/hooks";
import { authApi } from "../api/authApi";
import type { SignInResult, TotpEnrollment } from "../api/types";
import { InputError } from "../errors/describeError";
import { useI18n } from "../i18n";
import { AuthLayout } from "../ui/AuthLayout";
import { Button } from "../ui/Button";
import { CODE_LENGTH, CodeField } from "../ui/CodeField";
import { ErrorAlert } from "../ui/ErrorAlert";
import { TotpSetupPanel } from "../ui/TotpSetupPanel";
import { useSignInAction } from "./useSignInAction";
import { logFailure } from "../../../shared/logFailure";

/** Step 2 (authenticator app): scan the QR code, then confirm with the first code to finish signing in. */
export function EnrollTotpStep({
	ticket,
	onSignedIn,
	onOtherMethod,
	onRestart,
}: {
	ticket: string;
	onSignedIn: (result: SignInResult) => void;
	onOtherMethod: () => void;
	onRestart: (reason?: unknown) => void;
}) {
	const { t } = useI18n();
	const [enrollment, setEnrollment] = useState<TotpEnrollment | null>(null);
	const [code, setCode] = useState("");
	const startAction = useSignInAction(onRestart);
	const confirmAction = useSignInAction(onRestart);
	const { run: runStartAction } = startAction;

	useEffect(() => {
		runStartAction(() => authApi.enrollTotp(ticket)).then((result) => {
			if (result) setEnrollment(result.value);
		}, logFailure("preparing the authenticator enrollment"));
	}, [ticket, runStartAction]);

	async function confirm(event: SubmitEvent) {
		event.preventDefault();
		if (code.length !== CODE_LENGTH) {
			confirmAction.setError(new InputError("code.needSixDigits"));
			return;
		}
		const result = await confirmAction.run(() => authApi.confirmTotpEnrollment({ ticket, code }));
		if (result) onSignedIn(result.value);
	}

	return (
		<AuthLayout title={t("enroll.totpTitle")}>
			<ErrorAlert error={startAction.error ?? confirmAction.error} />
			{startAction.busy && <p class="muted">{t("app.loading")}</p>}
			{enrollment && (
				<form class="stack" onSubmit={confirm}>
					<TotpSetupPanel enrollment={enrollment} />
					<CodeField value={code} onValue={setCode} focusOnMount={false} />
					<Button type="submit" variant="primary" class="button-block" busy={confirmAction.busy}>
						{t("code.submit")}
					</Button>
				</form>
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
