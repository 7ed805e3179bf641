import { useEffect, useState } from "preact/hooks";
import { type SessionState, session } from "./sessionStore";

/** The current session state, re-rendering on every change. */
export function useSessionState(): SessionState {
	const [state, setState] = useState(session.getState);
	useEffect(() => {
		setState(session.getState());
		return session.subscribe(() => setState(session.getState()));
	}, []);
	return state;
}
