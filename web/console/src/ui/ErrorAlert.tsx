import { describeError } from "../errors/describeError";
import { useI18n } from "../i18n";

/** Shows a failed API call in the user's language; renders nothing when there is no error. */
export function ErrorAlert({ error }: { error: unknown }) {
	const { t } = useI18n();
	if (!error) return null;
	return (
		<div class="alert alert-error" role="alert">
			{describeError(error, t)}
		</div>
	);
}

/** A polite confirmation or hint, announced without interrupting. */
export function Notice({ children }: { children: string }) {
	return (
		<div class="alert alert-info" role="status">
			{children}
		</div>
	);
}
