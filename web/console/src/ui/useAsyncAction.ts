import { useCallback, useEffect, useRef, useState } from "preact/hooks";

export interface AsyncAction {
	busy: boolean;
	/** The last failure, until the next run starts or `clearError` is called. */
	error: unknown;
	/** Runs `task`, tracking busy/error; resolves with `{ value }`, or null if it failed. */
	run: <T>(task: () => Promise<T>) => Promise<{ value: T } | null>;
	setError: (error: unknown) => void;
	clearError: () => void;
}

/** Busy and error state for a button or form that calls the API. */
export function useAsyncAction(): AsyncAction {
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<unknown>(null);
	const mounted = useRef(true);

	useEffect(() => {
		mounted.current = true;
		return () => {
			mounted.current = false;
		};
	}, []);

	const run = useCallback(async <T>(task: () => Promise<T>): Promise<{ value: T } | null> => {
		setBusy(true);
		setError(null);
		try {
			return { value: await task() };
		} catch (failure) {
			if (mounted.current) setError(failure);
			return null;
		} finally {
			if (mounted.current) setBusy(false);
		}
	}, []);

	const clearError = useCallback(() => setError(null), []);
	return { busy, error, run, setError, clearError };
}
