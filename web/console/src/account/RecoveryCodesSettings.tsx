import { useEffect, useState } from "preact/hooks";
import { InputError } from "../errors/describeError";
import { useI18n } from "../i18n";
import { accountApi } from "../session/sessionStore";
import { Button } from "../ui/Button";
import { ErrorAlert } from "../ui/ErrorAlert";
import { RecoveryCodeList } from "../ui/RecoveryCodeList";
import { useAsyncAction } from "../ui/useAsyncAction";
import { logFailure } from "../../../shared/logFailure";

/** How many recovery codes are unused, and a new set (shown once) for the current password. */
export function RecoveryCodesSettings({ password }: { password: string }) {
	const { t } = useI18n();
	const [left, setLeft] = useState<number | null>(null);
	const [codes, setCodes] = useState<string[] | null>(null);
	const action = useAsyncAction();

	useEffect(() => {
		accountApi.recoveryCodesLeft().then((result) => setLeft(result.left), logFailure("counting recovery codes"));
	}, []);

	async function regenerate() {
		if (!password) {
			action.setError(new InputError("recovery.needPassword"));
			return;
		}
		const result = await action.run(() => accountApi.regenerateRecoveryCodes(password));
		if (result) {
			setCodes(result.value.codes);
			setLeft(result.value.codes.length);
		}
	}

	return (
		<div class="setting">
			<h3 class="setting-title">{t("recovery.settingsTitle")}</h3>
			{left !== null && <p class="muted">{t("recovery.settingsLeft", { count: left })}</p>}
			<ErrorAlert error={action.error} />
			{codes ? (
				<>
					<p>{t("recovery.intro")}</p>
					<RecoveryCodeList codes={codes} />
				</>
			) : (
				<>
					<p class="muted">{t("recovery.regenerateHint")}</p>
					<div class="setting-actions">
						<Button busy={action.busy} onClick={() => regenerate().catch(logFailure("making recovery codes"))}>
							{t("recovery.regenerate")}
						</Button>
					</div>
				</>
			)}
		</div>
	);
}
