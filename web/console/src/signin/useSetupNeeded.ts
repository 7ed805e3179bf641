import { useEffect, useState } from "preact/hooks";
import { authApi } from "../api/authApi";

/** True when the server has no agent yet, so sign-in cannot work until setup is done. */
export function useSetupNeeded(skip: boolean): boolean {
	const [needed, setNeeded] = useState(false);
	useEffect(() => {
		if (skip) return;
		let active = true;
		authApi
			.setupStatus()
			.then((status) => {
				if (active) setNeeded(status.needed);
			})
			// Only a hint: if the check fails, sign-in reports the real problem.
			.catch(() => undefined);
		return () => {
			active = false;
		};
	}, [skip]);
	return needed;
}
