import type { CallPeer } from "./callPeer";

// A side that rejoins a call tells the other through the server (`call:rejoin`); if the other
// side's socket was away at that moment, it never heard, and the fresh connection waits for
// nothing. So until the fresh connection is up, the news is sent again now and then.

export const REJOIN_RETRY_MS = 8_000;

/** Calls `again` every REJOIN_RETRY_MS while the call's current connection is not connected; returns the way to stop. */
export function retryRejoinUntilConnected(current: () => CallPeer | null, again: () => void): () => void {
	const timer = setInterval(() => {
		const peer = current();
		if (!peer || peer.pc.connectionState === "connected") {
			clearInterval(timer);
			return;
		}
		again();
	}, REJOIN_RETRY_MS);
	return () => clearInterval(timer);
}
