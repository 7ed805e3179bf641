import { useState } from "preact/hooks";
import type { LoginResult, SecondFactorMethod } from "../api/types";
import type { RouteNotice } from "../router";
import { session } from "../session/sessionStore";
import { CodeStep } from "./CodeStep";
import { CredentialsStep } from "./CredentialsStep";
import { EnrollChoiceStep } from "./EnrollChoiceStep";
import { EnrollTelegramStep } from "./EnrollTelegramStep";
import { EnrollTotpStep } from "./EnrollTotpStep";

type SignInStep =
	/** `reason` explains why the user is back here (expired ticket or session). */
	| { kind: "credentials"; reason: unknown }
	| { kind: "enrollChoice"; login: LoginResult }
	| { kind: "enrollTelegram"; login: LoginResult }
	| { kind: "enrollTotp"; login: LoginResult }
	| { kind: "code"; login: LoginResult; method: SecondFactorMethod; codeSent: boolean };

/** Telegram when a code is already on its way (or there is no app), else the authenticator app. */
function firstMethod(login: LoginResult): SecondFactorMethod {
	if (login.methods.telegram && (login.codeSent || !login.methods.totp)) return "telegram";
	return login.methods.totp ? "totp" : "telegram";
}

/** Password, then enrolment of a second factor if the agent has none, then the one-time code. */
export function SignInFlow({ reason, notice }: { reason: unknown; notice: RouteNotice | null }) {
	const [step, setStep] = useState<SignInStep>({ kind: "credentials", reason });
	const restart = (why: unknown = null) => setStep({ kind: "credentials", reason: why });

	switch (step.kind) {
		case "credentials":
			return (
				<CredentialsStep
					reason={step.reason}
					notice={notice}
					onLoggedIn={(login) =>
						setStep(
							login.enrollmentRequired
								? { kind: "enrollChoice", login }
								: { kind: "code", login, method: firstMethod(login), codeSent: login.codeSent },
						)
					}
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
					onSignedIn={session.signIn}
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
					onSwitchMethod={(method, codeSent) => setStep({ ...step, method, codeSent })}
					onSignedIn={session.signIn}
					onRestart={restart}
				/>
			);
	}
}
