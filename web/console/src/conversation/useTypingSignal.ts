import { useCallback, useEffect, useRef } from "preact/hooks";
import { useInbox } from "../inbox/InboxContext";

/** "Still typing" is repeated at most this often. */
const TYPING_THROTTLE_MS = 2_000;
/** With no key pressed for this long, the agent has stopped typing. */
const TYPING_IDLE_MS = 5_000;

/** Tells the visitor the agent is typing: throttled while typing, false on send, blur or idle. */
export function useTypingSignal(conversationId: string): { typed: () => void; stopped: () => void } {
	const inbox = useInbox();
	const lastSent = useRef(0);
	const idleTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

	const stopped = useCallback(() => {
		clearTimeout(idleTimer.current);
		if (lastSent.current === 0) return;
		lastSent.current = 0;
		inbox.sendTyping(conversationId, false);
	}, [inbox, conversationId]);

	const typed = useCallback(() => {
		const now = Date.now();
		if (now - lastSent.current >= TYPING_THROTTLE_MS) {
			lastSent.current = now;
			inbox.sendTyping(conversationId, true);
		}
		clearTimeout(idleTimer.current);
		idleTimer.current = setTimeout(stopped, TYPING_IDLE_MS);
	}, [inbox, conversationId, stopped]);

	useEffect(() => stopped, [stopped]);
	return { typed, stopped };
}
