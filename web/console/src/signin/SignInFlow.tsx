import { useState } from "preact/hooks";
import type { LoginResult, SecondFactorMethod, SignInResult } from "../api/types";
import type { RouteNotice } from "../router";
import { session } from "../session/sessionStore";
import { CodeStep } from "./CodeStep";
import { CredentialsStep } from "./CredentialsStep";
import { EnrollChoiceStep } from "./EnrollChoiceStep";
import { EnrollTelegramStep } from "./EnrollTelegramStep";
import { EnrollTotpStep } from "./EnrollTotpStep";
import { RecoveryCodesStep } from "./RecoveryCodesStep";

type SignInStep =
	/** `reason` explains why the user is back here (expired ticket or session). */
	| { kind: "credentials"; reason: unknown }
	| { kind: "enrollChoice"; login: LoginResult }
	| { kind: "enrollTelegram"; login: LoginResult }
	| { kind: "enrollTotp"; login: LoginResult }
	| { kind: "code"; login: LoginResult; method: SecondFactorMethod; codeSent: boolean; justEnrolled?: boolean }
	/** The recovery codes after the first enrolment, or how many remain after one was used. */
	| { kind: "recoveryCodes"; result: SignInResult };

/** Telegram when a code is already on its way (or there is no app), else the authenticator app. */
function firstMethod(login: LoginResult): SecondFactorMethod {
	if (login.methods.telegram && (login.codeSent || !login.methods.totp)) return "telegram";
	return login.methods.totp ? "totp" : "telegram";
}

/** The step after the password (or after an invite link set it): enrolment, or the code. */
function afterPassword(login: LoginResult): SignInStep {
	return login.enrollmentRequired
		? { kind: "enrollChoice", login }
		: { kind: "code", login, method: firstMethod(login), codeSent: login.codeSent };
}

/**
 * Password, then enrolment of a second factor if the agent has none, then the one-time code.
 * `start` skips the password step: an invite or reset link has just set and checked it.
 */
export function SignInFlow({
	reason,
	notice,
	start,
	onSignedIn,
}: {
	reason: unknown;
	notice: RouteNotice | null;
	start?: LoginResult;
	onSignedIn?: () => void;
}) {
	const [step, setStep] = useState<SignInStep>(start ? afterPassword(start) : { kind: "credentials", reason });
	const restart = (why: unknown = null) => setStep({ kind: "credentials", reason: why });
	const signIn = (result: SignInResult) => {
		if (result.recoveryCodes || result.recoveryCodesLeft !== undefined) setStep({ kind: "recoveryCodes", result });
		else finish(result);
	};
	const finish = (result: SignInResult) => {
		session.signIn(result);
		onSignedIn?.();
	};

	switch (step.kind) {
		case "credentials":
			return (
				<CredentialsStep
					reason={step.reason}
					notice={notice}
					onLoggedIn={(login) => setStep(afterPassword(login))}
				/>
			);
		case "enrollChoice":
			return (
				<EnrollChoiceStep
					telegramAvailable={step.login.features.telegram}
					onChoose={(method) =>
						setStep({ kind: method === "telegram" ? "enrollTelegram" : "enrollTotp", login: step.login })
					}
					onRestart={restart}
				/>
			);
		case "enrollTelegram":
			return (
				<EnrollTelegramStep
					ticket={step.login.ticket}
					onCodeSent={() =>
						setStep({
							kind: "code",
							// Telegram is now the agent's only method, so the code step offers no switch.
							login: { ...step.login, methods: { telegram: true, totp: false } },
							method: "telegram",
							codeSent: true,
							justEnrolled: true,
						})
					}
					onOtherMethod={() => setStep({ kind: "enrollChoice", login: step.login })}
					onRestart={restart}
				/>
			);
		case "enrollTotp":
			return (
				<EnrollTotpStep
					ticket={step.login.ticket}
					onSignedIn={signIn}
					onOtherMethod={() => setStep({ kind: "enrollChoice", login: step.login })}
					onRestart={restart}
				/>
			);
		case "code":
			return (
				<CodeStep
					key={step.method}
					ticket={step.login.ticket}
					methods={step.login.methods}
					method={step.method}
					codeSent={step.codeSent}
					justEnrolled={step.justEnrolled ?? false}
					onSwitchMethod={(method, codeSent) => setStep({ ...step, method, codeSent })}
					onSignedIn={signIn}
					onRestart={restart}
				/>
			);
		case "recoveryCodes":
			return <RecoveryCodesStep result={step.result} onContinue={() => finish(step.result)} />;
	}
}
