import { useState } from "preact/hooks";
import { authApi } from "../api/authApi";
import type { SecondFactorMethod, SignInResult } from "../api/types";
import { InputError } from "../errors/describeError";
import { useI18n } from "../i18n";
import { AuthLayout } from "../ui/AuthLayout";
import { Button } from "../ui/Button";
import { CODE_LENGTH, CodeField } from "../ui/CodeField";
import { ErrorAlert, Notice } from "../ui/ErrorAlert";
import { TextField } from "../ui/TextField";
import { StartOverButton } from "./stepFooter";
import { useSignInAction } from "./useSignInAction";

/** Step 3: the one-time code from Telegram or the authenticator app. */
export function CodeStep({
	ticket,
	methods,
	method,
	codeSent,
	onSwitchMethod,
	justEnrolled = false,
	onSignedIn,
	onRestart,
}: {
	ticket: string;
	methods: Record<SecondFactorMethod, boolean>;
	method: SecondFactorMethod;
	/** Whether a Telegram code is already on its way. */
	codeSent: boolean;
	onSwitchMethod: (method: SecondFactorMethod, codeSent: boolean) => void;
	/** Telegram was set up in this sign-in: the first recovery codes come back with the session. */
	justEnrolled?: boolean;
	onSignedIn: (result: SignInResult) => void;
	onRestart: (reason?: unknown) => void;
}) {
	const { t } = useI18n();
	const [code, setCode] = useState("");
	const [resent, setResent] = useState(false);
	// A recovery code replaces the code of a lost phone; the field takes it instead.
	const [recovery, setRecovery] = useState(false);
	const [recoveryCode, setRecoveryCode] = useState("");
	const verifyAction = useSignInAction(onRestart);
	const sendAction = useSignInAction(onRestart);
	const isTelegram = method === "telegram";
	const otherMethod: SecondFactorMethod = isTelegram ? "totp" : "telegram";

	async function verify(event: SubmitEvent) {
		event.preventDefault();
		if (recovery) {
			const result = await verifyAction.run(() => authApi.verify({ ticket, code: recoveryCode.trim(), method: "recovery" }));
			if (result) onSignedIn(result.value);
			else setRecoveryCode("");
			return;
		}
		if (code.length !== CODE_LENGTH) {
			verifyAction.setError(new InputError("code.needSixDigits"));
			return;
		}
		const result = await verifyAction.run(() =>
			authApi.verify({ ticket, code, method, ...(justEnrolled ? { issueRecoveryCodes: true } : {}) }),
		);
		if (result) onSignedIn(result.value);
		else setCode("");
	}

	async function sendNewCode() {
		verifyAction.clearError();
		setResent(false);
		if (await sendAction.run(() => authApi.sendCode(ticket))) setResent(true);
	}

	async function switchMethod() {
		if (otherMethod === "totp" || codeSent) {
			onSwitchMethod(otherMethod, codeSent);
			return;
		}
		// Going to Telegram means the user wants a code there: send it on the way.
		if (await sendAction.run(() => authApi.sendCode(ticket))) onSwitchMethod("telegram", true);
	}

	const telegramHint = codeSent || resent ? t("code.telegramHint") : t("code.telegramNotSent");
	return (
		<AuthLayout title={t("code.title")}>
			{resent && <Notice>{t("code.resent")}</Notice>}
			<ErrorAlert error={verifyAction.error ?? sendAction.error} />
			<form class="stack" onSubmit={verify}>
				{recovery ? (
					<TextField
						label={t("recovery.field")}
						hint={t("recovery.fieldHint")}
						value={recoveryCode}
						onValue={setRecoveryCode}
						name="recovery-code"
						autoComplete="one-time-code"
						required
						plain
						focusOnMount
					/>
				) : (
					<CodeField
						value={code}
						onValue={setCode}
						hint={isTelegram ? telegramHint : t("code.totpHint")}
					/>
				)}
				<Button type="submit" variant="primary" class="button-block" busy={verifyAction.busy}>
					{t("code.submit")}
				</Button>
			</form>
			<div class="step-footer">
				<Button
					variant="link"
					onClick={() => {
						verifyAction.clearError();
						setRecovery(!recovery);
					}}
				>
					{!recovery ? t("recovery.use") : isTelegram ? t("code.useTelegram") : t("code.useTotp")}
				</Button>
				{isTelegram && !recovery && (
					<Button variant="link" busy={sendAction.busy} onClick={sendNewCode}>
						{t("code.resend")}
					</Button>
				)}
				{methods[otherMethod] && !recovery && (
					<Button variant="link" busy={sendAction.busy} onClick={switchMethod}>
						{isTelegram ? t("code.useTotp") : t("code.useTelegram")}
					</Button>
				)}
				<StartOverButton onRestart={onRestart} />
			</div>
		</AuthLayout>
	);
}
