import { useInbox } from "../inbox/InboxContext";
import { useStore } from "../state/store";

/** Open call-back requests, for the `Call backs` link's badge. */
export function useCallbacksBadge(): number {
	return useStore(useInbox().callbacks.store, (s) => s.openCount);
}
