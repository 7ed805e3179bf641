import type { SignInResult } from "../api/types";
import { useI18n } from "../i18n";
import { AuthLayout } from "../ui/AuthLayout";
import { Button } from "../ui/Button";
import { RecoveryCodeList } from "../ui/RecoveryCodeList";

/** After the first second factor: the ten recovery codes, once; or, after using one, how many remain. */
export function RecoveryCodesStep({ result, onContinue }: { result: SignInResult; onContinue: () => void }) {
	const { t } = useI18n();
	const codes = result.recoveryCodes;
	if (codes) {
		return (
			<AuthLayout title={t("recovery.title")} intro={t("recovery.intro")}>
				<RecoveryCodeList codes={codes} />
				<Button variant="primary" class="button-block" onClick={onContinue}>
					{t("recovery.saved")}
				</Button>
			</AuthLayout>
		);
	}
	return (
		<AuthLayout title={t("recovery.usedTitle")}>
			<p role="status">{t("recovery.left", { count: result.recoveryCodesLeft ?? 0 })}</p>
			<Button variant="primary" class="button-block" onClick={onContinue}>
				{t("recovery.continue")}
			</Button>
		</AuthLayout>
	);
}
