import { useEffect, useState } from "preact/hooks";
import { authApi } from "../api/authApi";
import { useI18n } from "../i18n";
import { followLink, navigate, ROUTES, routeHref } from "../router";
import { AuthLayout } from "../ui/AuthLayout";
import { Button } from "../ui/Button";
import { ErrorAlert, Notice } from "../ui/ErrorAlert";
import { NewPasswordFields, newPasswordProblem } from "../ui/NewPasswordFields";
import { TextField } from "../ui/TextField";
import { useAsyncAction } from "../ui/useAsyncAction";

/** The one-time token from the setup link `/console/setup#<token>` printed in the server log. */
function readSetupToken(): string {
	const raw = location.hash.replace(/^#/, "").trim();
	try {
		return decodeURIComponent(raw);
	} catch {
		return raw;
	}
}

function SignInLink() {
	const { t } = useI18n();
	return (
		<a
			class="button button-secondary button-block"
			href={routeHref(ROUTES.home)}
			onClick={(event) => followLink(event, ROUTES.home)}
		>
			{t("setup.goToSignIn")}
		</a>
	);
}

/** First run: creates the first admin with the token from the setup link. */
export function SetupPage() {
	const { t } = useI18n();
	const [token, setToken] = useState(readSetupToken);
	const [setupNeeded, setSetupNeeded] = useState<boolean | null>(null);
	const [name, setName] = useState("");
	const [username, setUsername] = useState("");
	const [password, setPassword] = useState("");
	const [confirmation, setConfirmation] = useState("");
	const action = useAsyncAction();

	useEffect(() => {
		// Pasting a corrected link into the same tab only changes the hash, without a reload.
		const updateToken = () => setToken(readSetupToken());
		window.addEventListener("hashchange", updateToken);
		return () => window.removeEventListener("hashchange", updateToken);
	}, []);

	useEffect(() => {
		authApi
			.setupStatus()
			.then((status) => setSetupNeeded(status.needed))
			// If the check fails, show the form anyway: submitting reports the real problem.
			.catch(() => setSetupNeeded(true));
	}, []);

	async function submit(event: SubmitEvent) {
		event.preventDefault();
		const problem = newPasswordProblem(password, confirmation);
		if (problem) {
			action.setError(problem);
		} else {
			const created = await action.run(() =>
				authApi.createFirstAdmin({ token, username: username.trim(), name: name.trim(), password }),
			);
			// Replacing the URL also drops the used token from the address bar and history.
			if (created) navigate(ROUTES.home, { replace: true, notice: "setupComplete" });
		}
	}

	if (setupNeeded === null) {
		return (
			<AuthLayout title={t("setup.title")}>
				<p class="muted">{t("app.loading")}</p>
			</AuthLayout>
		);
	}
	if (!setupNeeded || !token) {
		return (
			<AuthLayout title={t("setup.title")}>
				{setupNeeded ? (
					<div class="alert alert-error" role="alert">
						{t("setup.missingToken")}
					</div>
				) : (
					<Notice>{t("setup.notNeeded")}</Notice>
				)}
				<SignInLink />
			</AuthLayout>
		);
	}
	return (
		<AuthLayout title={t("setup.title")} intro={t("setup.intro")}>
			<ErrorAlert error={action.error} />
			<form class="stack" onSubmit={submit}>
				<TextField
					label={t("field.name")}
					value={name}
					onValue={setName}
					name="name"
					autoComplete="name"
					required
					focusOnMount
				/>
				<TextField
					label={t("field.username")}
					value={username}
					onValue={setUsername}
					name="username"
					autoComplete="username"
					required
					plain
				/>
				<NewPasswordFields password={password} confirmation={confirmation} onPassword={setPassword} onConfirmation={setConfirmation} />
				<Button type="submit" variant="primary" class="button-block" busy={action.busy}>
					{t("setup.submit")}
				</Button>
			</form>
		</AuthLayout>
	);
}
