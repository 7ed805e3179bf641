import { useState } from "preact/hooks";
import { authApi } from "../api/authApi";
import type { LoginResult } from "../api/types";
import { useI18n } from "../i18n";
import type { RouteNotice } from "../router";
import { AuthLayout } from "../ui/AuthLayout";
import { Button } from "../ui/Button";
import { ErrorAlert, Notice } from "../ui/ErrorAlert";
import { TextField } from "../ui/TextField";
import { useAsyncAction } from "../ui/useAsyncAction";
import { useSetupNeeded } from "./useSetupNeeded";

/** Step 1: username and password. */
export function CredentialsStep({
	reason,
	notice,
	onLoggedIn,
}: {
	reason: unknown;
	notice: RouteNotice | null;
	onLoggedIn: (login: LoginResult) => void;
}) {
	const { t } = useI18n();
	const [username, setUsername] = useState("");
	const [password, setPassword] = useState("");
	const [attempted, setAttempted] = useState(false);
	const action = useAsyncAction();
	const setupNeeded = useSetupNeeded(notice === "setupComplete");

	async function submit(event: SubmitEvent) {
		event.preventDefault();
		setAttempted(true);
		const result = await action.run(() => authApi.login({ username: username.trim(), password }));
		if (result) onLoggedIn(result.value);
	}

	return (
		<AuthLayout title={t("signIn.title")} intro={t("signIn.subtitle")}>
			{notice === "setupComplete" && <Notice>{t("signIn.setupComplete")}</Notice>}
			{setupNeeded && <Notice>{t("signIn.setupNeeded")}</Notice>}
			<ErrorAlert error={attempted ? action.error : reason} />
			<form class="stack" onSubmit={submit}>
				<TextField
					label={t("field.username")}
					value={username}
					onValue={setUsername}
					name="username"
					autoComplete="username"
					required
					plain
					focusOnMount
				/>
				<TextField
					label={t("field.password")}
					value={password}
					onValue={setPassword}
					type="password"
					name="password"
					autoComplete="current-password"
					required
				/>
				<Button type="submit" variant="primary" busy={action.busy} class="button-block">
					{t("signIn.submit")}
				</Button>
			</form>
		</AuthLayout>
	);
}
