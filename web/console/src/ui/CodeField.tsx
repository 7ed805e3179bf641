import { useI18n } from "../i18n";
import { TextField } from "./TextField";

export const CODE_LENGTH = 6;

/** Keeps only digits, so pasted codes like "123 456" still work. */
export function normalizeCode(raw: string): string {
	return raw.replace(/\D/g, "").slice(0, CODE_LENGTH);
}

/** The 6-digit one-time code input, labelled "Code". */
export function CodeField({
	value,
	onValue,
	hint,
	focusOnMount = true,
}: {
	value: string;
	onValue: (code: string) => void;
	hint?: string;
	/** Off where the field sits below content the user must read first (a QR code). */
	focusOnMount?: boolean;
}) {
	const { t } = useI18n();
	return (
		<TextField
			label={t("field.code")}
			value={value}
			onValue={onValue}
			normalize={normalizeCode}
			name="code"
			hint={hint}
			inputMode="numeric"
			autoComplete="one-time-code"
			required
			focusOnMount={focusOnMount}
			plain
		/>
	);
}
