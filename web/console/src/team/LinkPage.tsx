import { useEffect, useState } from "preact/hooks";
import type { LinkPreview } from "../../../../src/protocol/team";
import { linkApi } from "../api/teamApi";
import type { LoginResult } from "../api/types";
import { useI18n } from "../i18n";
import { followLink, navigate, ROUTES, routeHref } from "../router";
import { SignInFlow } from "../signin/SignInFlow";
import { AuthLayout } from "../ui/AuthLayout";
import { Button } from "../ui/Button";
import { ErrorAlert } from "../ui/ErrorAlert";
import { NewPasswordFields, newPasswordProblem } from "../ui/NewPasswordFields";
import { useAsyncAction } from "../ui/useAsyncAction";

function readToken(): string {
	return location.hash.replace(/^#/, "").trim();
}

function SignInLink() {
	const { t } = useI18n();
	return (
		<a class="button button-secondary button-block" href={routeHref(ROUTES.home)} onClick={(event) => followLink(event, ROUTES.home)}>
			{t("link.toSignIn")}
		</a>
	);
}

/**
 * An invite (`/console/invite#<token>`) or password-reset link: the agent chooses a password, then
 * goes on like a sign-in (second factor, or enrolling one), and lands in the inbox.
 */
export function LinkPage({ purpose }: { purpose: LinkPreview["purpose"] }) {
	const { t } = useI18n();
	const [token] = useState(readToken);
	const [preview, setPreview] = useState<LinkPreview | null>(null);
	const [login, setLogin] = useState<LoginResult | null>(null);
	const [password, setPassword] = useState("");
	const [confirmation, setConfirmation] = useState("");
	const load = useAsyncAction();
	const submitAction = useAsyncAction();
	const { run } = load;
	const title = purpose === "invite" ? t("link.inviteTitle") : t("link.resetTitle");

	useEffect(() => {
		if (!token) return;
		run(() => linkApi.preview(token)).then((result) => {
			if (result) setPreview(result.value);
		}, () => undefined);
	}, [token, run]);

	async function submit(event: SubmitEvent) {
		event.preventDefault();
		const problem = newPasswordProblem(password, confirmation);
		if (problem) submitAction.setError(problem);
		else {
			const result = await submitAction.run(() => linkApi.accept({ token, password }));
			if (result) {
				// The used token leaves the address bar and the history.
				history.replaceState(null, "", location.pathname);
				setLogin(result.value);
			}
		}
	}

	if (login) return <SignInFlow reason={null} notice={null} start={login} onSignedIn={() => navigate(ROUTES.home, { replace: true })} />;
	if (!token || load.error) {
		return (
			<AuthLayout title={title}>
				{token ? <ErrorAlert error={load.error} /> : <div class="alert alert-error" role="alert">{t("link.missing")}</div>}
				<SignInLink />
			</AuthLayout>
		);
	}
	if (!preview) {
		return (
			<AuthLayout title={title}>
				<p class="muted">{t("app.loading")}</p>
			</AuthLayout>
		);
	}
	return (
		<AuthLayout title={title} intro={t("link.greeting", { name: preview.name, username: preview.username })}>
			<ErrorAlert error={submitAction.error} />
			<form class="stack" onSubmit={submit}>
				<input type="hidden" name="username" autoComplete="username" value={preview.username} />
				<NewPasswordFields password={password} confirmation={confirmation} onPassword={setPassword} onConfirmation={setConfirmation} focusOnMount />
				<Button type="submit" variant="primary" class="button-block" busy={submitAction.busy}>
					{t("link.submit")}
				</Button>
			</form>
		</AuthLayout>
	);
}
