import type { IceServer } from "../../../src/protocol/calls";

// TURN credentials of a live call last ten minutes, and TURN checks them whenever a relay is
// allocated (an ICE restart after a network change, a reconnect), not for a relay already in use.
// So a long call renews them now and then, and after its socket reconnects, and hands them to the
// connections it has: the next ICE gathering uses them.

const RENEW_EVERY_MS = 5 * 60_000;

/** Puts fresh ICE servers into open connections; a closed one is left alone. */
export function applyIceServers(connections: Array<RTCPeerConnection | null | undefined>, iceServers: IceServer[]): void {
	for (const pc of connections) {
		if (!pc || pc.signalingState === "closed") continue;
		try {
			pc.setConfiguration({ ...pc.getConfiguration(), iceServers });
		} catch (error) {
			console.warn("destek: could not renew the call's ICE servers", error);
		}
	}
}

/** Renews every few minutes while the call lasts; returns the way to stop. */
export function renewIceServersPeriodically(renew: () => void): () => void {
	const timer = setInterval(renew, RENEW_EVERY_MS);
	return () => clearInterval(timer);
}
