import { useState } from "preact/hooks";
import { authApi } from "../api/authApi";
import type { SignInResult } from "../api/types";
import { InputError } from "../errors/describeError";
import { useI18n } from "../i18n";
import { AuthLayout } from "../ui/AuthLayout";
import { Button } from "../ui/Button";
import { CODE_LENGTH, CodeField } from "../ui/CodeField";
import { ErrorAlert } from "../ui/ErrorAlert";
import { TotpSetupPanel } from "../ui/TotpSetupPanel";
import { EnrollStepFooter } from "./stepFooter";
import { useEnrollmentStart } from "./useEnrollmentStart";
import { useSignInAction } from "./useSignInAction";

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
	const [code, setCode] = useState("");
	const { value: enrollment, action: startAction } = useEnrollmentStart(ticket, authApi.enrollTotp, "preparing the authenticator enrollment", onRestart);
	const confirmAction = useSignInAction(onRestart);

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
			<EnrollStepFooter onOtherMethod={onOtherMethod} onRestart={onRestart} />
		</AuthLayout>
	);
}
