import { useCallback, useRef } from "preact/hooks";
import { ApiError } from "../api/http";
import { type AsyncAction, useAsyncAction } from "../ui/useAsyncAction";

/** Like useAsyncAction, but an expired sign-in ticket sends the user back to the first step. */
export function useSignInAction(onRestart: (reason: unknown) => void): AsyncAction {
	const action = useAsyncAction();
	const { run: runAction } = action;
	// Read through a ref so `run` stays stable for effects while using the latest callback.
	const restartRef = useRef(onRestart);
	restartRef.current = onRestart;

	const run: AsyncAction["run"] = useCallback(
		(task) =>
			runAction(async () => {
				try {
					return await task();
				} catch (error) {
					if (error instanceof ApiError && error.id === "ticket_invalid") restartRef.current(error);
					throw error;
				}
			}),
		[runAction],
	);
	return { ...action, run };
}
