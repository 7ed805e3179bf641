import { useEffect, useState } from "preact/hooks";
import type { CallsApi } from "../api/callsApi";
import { useInbox } from "../inbox/InboxContext";
import { useStore } from "../state/store";
import { logFailure } from "../../../shared/logFailure";

/** Before the Calls page was ever opened in this browser, missed calls of the last day count. */
const FIRST_LOOK_BACK_MS = 24 * 60 * 60 * 1000;
const seenKey = (agentId: string) => `destek.callsSeenAt.${agentId}`;

function readSeenAt(agentId: string): number {
	try {
		const stored = Number(localStorage.getItem(seenKey(agentId)));
		return Number.isFinite(stored) && stored > 0 ? stored : Date.now() - FIRST_LOOK_BACK_MS;
	} catch {
		return Date.now() - FIRST_LOOK_BACK_MS;
	}
}

function writeSeenAt(agentId: string, at: number): void {
	try {
		localStorage.setItem(seenKey(agentId), String(at));
	} catch {
		// Storage refused (private mode, quota): the badge then counts from the page load.
	}
}

/**
 * What the Calls link shows: calls waiting now, and calls missed since this agent last opened the
 * Calls page or a call's history. A missed call leaves the queue, so the count is refreshed each
 * time the queue changes; opening Calls marks them seen.
 */
export function useCallsBadge(api: CallsApi, agentId: string, onCallsPage: boolean): { waiting: number; missed: number } {
	const inbox = useInbox();
	const waiting = useStore(inbox.calls.store, (s) => s.queue.length);
	const [missed, setMissed] = useState(0);

	useEffect(() => {
		if (onCallsPage) {
			writeSeenAt(agentId, Date.now());
			setMissed(0);
			return;
		}
		let current = true;
		const seenAt = readSeenAt(agentId);
		api
			.list({ status: "missed", agentId: null, before: null })
			.then(({ calls }) => {
				if (current) setMissed(calls.filter((call) => Date.parse(call.createdAt) > seenAt).length);
			})
			.catch(logFailure("counting missed calls"));
		return () => {
			current = false;
		};
	}, [api, agentId, onCallsPage, waiting]);

	return { waiting, missed };
}
