import { type PreparedRecording, prepareRecording } from "../../../shared/call/recorderLeg";
import type { CallsState } from "../api/inboxTypes";

/** Recordings prepared for the ringing calls, so the one accepted starts recording at once. */
export function createRingingRecordings() {
	const prepared = new Map<string, PreparedRecording>();
	return {
		/** Prepares a recording for each recorded call that rings, and drops those no longer ringing. */
		follow(queue: CallsState["queue"]): void {
			for (const { call, iceServers } of queue) {
				if (call.recording !== "off" && !prepared.has(call.id)) prepared.set(call.id, prepareRecording(call.recording, iceServers));
			}
			for (const [callId, recording] of prepared) {
				if (!queue.some((entry) => entry.call.id === callId)) {
					recording.stop();
					prepared.delete(callId);
				}
			}
		},
		/** Hands over the prepared recording of a call being accepted (it leaves the queue next). */
		take(callId: string): PreparedRecording | undefined {
			const recording = prepared.get(callId);
			prepared.delete(callId);
			return recording;
		},
		stopAll(): void {
			for (const recording of prepared.values()) recording.stop();
			prepared.clear();
		},
	};
}
