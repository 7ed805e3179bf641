import { useState } from "preact/hooks";
import type { Agent, TotpEnrollment } from "../api/types";
import { InputError } from "../errors/describeError";
import { useI18n } from "../i18n";
import { accountApi, session } from "../session/sessionStore";
import { Button } from "../ui/Button";
import { CODE_LENGTH, CodeField } from "../ui/CodeField";
import { ErrorAlert } from "../ui/ErrorAlert";
import { TotpSetupPanel } from "../ui/TotpSetupPanel";
import { useAsyncAction } from "../ui/useAsyncAction";
import { StatusBadge } from "./StatusBadge";

/** Set up or remove the authenticator app second factor. */
export function TotpSettings({ agent, password }: { agent: Agent; password: string }) {
	const { t } = useI18n();
	const [enrollment, setEnrollment] = useState<TotpEnrollment | null>(null);
	const [code, setCode] = useState("");
	const action = useAsyncAction();

	async function start() {
		if (!password) return action.setError(new InputError("account.passwordNeeded"));
		const result = await action.run(() => accountApi.startTotp(password));
		if (result) {
			setCode("");
			setEnrollment(result.value);
		}
	}

	async function confirm(event: SubmitEvent) {
		event.preventDefault();
		if (code.length !== CODE_LENGTH) {
			action.setError(new InputError("code.needSixDigits"));
			return;
		}
		if (!(await action.run(() => accountApi.confirmTotp(code)))) return;
		setEnrollment(null);
		await action.run(session.reloadAgent);
	}

	async function remove() {
		if (!password) return action.setError(new InputError("account.passwordNeeded"));
		if (await action.run(() => accountApi.removeTotp(password))) await action.run(session.reloadAgent);
	}

	return (
		<div class="setting">
			<div class="setting-head">
				<h3 class="setting-title">{t("totpSettings.title")}</h3>
				<StatusBadge on={agent.totpEnabled}>
					{agent.totpEnabled ? t("totpSettings.enabled") : t("totpSettings.disabled")}
				</StatusBadge>
			</div>
			<p class="muted">{t("totpSettings.description")}</p>
			<ErrorAlert error={action.error} />
			{agent.totpEnabled ? (
				<div class="setting-actions">
					<Button variant="danger" busy={action.busy} onClick={remove}>
						{t("totpSettings.remove")}
					</Button>
				</div>
			) : enrollment ? (
				<form class="stack" onSubmit={confirm}>
					<TotpSetupPanel enrollment={enrollment} />
					<CodeField value={code} onValue={setCode} focusOnMount={false} />
					<div class="setting-actions">
						<Button type="submit" variant="primary" busy={action.busy}>
							{t("totpSettings.confirm")}
						</Button>
						<Button onClick={() => setEnrollment(null)}>{t("common.cancel")}</Button>
					</div>
				</form>
			) : (
				<div class="setting-actions">
					<Button variant="primary" busy={action.busy} onClick={start}>
						{t("totpSettings.setUp")}
					</Button>
				</div>
			)}
		</div>
	);
}
