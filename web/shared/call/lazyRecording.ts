import type { IceServer } from "../../../src/protocol/calls";
import { logFailure } from "../logFailure";
import type { PreparedRecording } from "./recorderLeg";

/**
 * prepareRecording, with the recorder's code downloaded only when a recorded call is placed: the
 * widget's first load stays small, and a call waits in the queue long enough to fetch it. Start and
 * stop keep their order whatever the download takes.
 */
export function prepareRecordingLazily(mode: "audio" | "audio+video", iceServers: IceServer[]): PreparedRecording {
	const prepared = import("./recorderLeg").then((module) => module.prepareRecording(mode, iceServers));
	let stopped = false;
	return {
		start(peer, exchange) {
			prepared.then((recording) => {
				if (!stopped) recording.start(peer, exchange);
			}, logFailure("loading the call recorder"));
		},
		stop() {
			stopped = true;
			prepared.then((recording) => recording.stop(), logFailure("loading the call recorder"));
		},
	};
}
