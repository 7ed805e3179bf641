import { useEffect, useState } from "preact/hooks";
import { logFailure } from "../../../shared/logFailure";
import type { AsyncAction } from "../ui/useAsyncAction";
import { useSignInAction } from "./useSignInAction";

/**
 * What an enrollment step needs from the server before it can show anything (the Telegram link, the
 * authenticator's secret), asked once per sign-in ticket; an expired ticket restarts the sign-in.
 */
export function useEnrollmentStart<T>(
	ticket: string,
	start: (ticket: string) => Promise<T>,
	what: string,
	onRestart: (reason?: unknown) => void,
): { value: T | null; action: AsyncAction } {
	const [value, setValue] = useState<T | null>(null);
	const action = useSignInAction(onRestart);
	const { run } = action;

	useEffect(() => {
		run(() => start(ticket)).then((result) => {
			if (result) setValue(result.value);
		}, logFailure(what));
	}, [ticket, run, start, what]);

	return { value, action };
}
