import { InputError } from "../errors/describeError";
import { useI18n } from "../i18n";
import { TextField } from "./TextField";

/** The server refuses shorter passwords (src/domain/auth/passwords.ts); saying it here saves a round trip. */
const MIN_PASSWORD_LENGTH = 10;

/** Why a new password and its confirmation cannot be sent yet, or null when they can. */
export function newPasswordProblem(password: string, confirmation: string): InputError | null {
	if (password.length < MIN_PASSWORD_LENGTH) return new InputError("setup.passwordTooShort");
	if (password !== confirmation) return new InputError("setup.passwordMismatch");
	return null;
}

/** "Password" and "Confirm password" for choosing a new password (first admin, invite, reset link). */
export function NewPasswordFields(props: {
	password: string;
	confirmation: string;
	onPassword: (value: string) => void;
	onConfirmation: (value: string) => void;
	focusOnMount?: boolean;
}) {
	const { t } = useI18n();
	return (
		<>
			<TextField
				label={t("field.password")}
				value={props.password}
				onValue={props.onPassword}
				type="password"
				name="new-password"
				autoComplete="new-password"
				hint={t("setup.passwordHint")}
				required
				focusOnMount={props.focusOnMount ?? false}
			/>
			<TextField
				label={t("field.confirmPassword")}
				value={props.confirmation}
				onValue={props.onConfirmation}
				type="password"
				name="confirm-password"
				autoComplete="new-password"
				required
			/>
		</>
	);
}
