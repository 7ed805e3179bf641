import type { IceServer } from "../../../src/protocol/calls";
import { logFailure } from "../logFailure";

// The second, send-only connection of a recorded call: this side's microphone (and, in
// audio+video mode, whatever is on its video sender) goes to the server's recording peer, which
// writes this side's file. It never carries the other side's media, and the call goes on if it fails.
//
// The offer is prepared (ICE candidates gathered) while the call rings, before any microphone is
// attached, so once the call is answered only one round trip and the connection remain before the
// server gets the first packet.

/** What a recording needs of the call's main peer (CallPeer). */
export interface RecordedPeer {
	local: MediaStream | null;
	localVideo: MediaStreamTrack | null;
	onLocalVideo?: (track: MediaStreamTrack | null) => void;
	onLocalAudio?: (track: MediaStreamTrack | null) => void;
}

export interface PreparedRecording {
	/** The call is answered: connects to the server's recorder and follows the peer's outgoing video. */
	start(peer: RecordedPeer, exchange: (offerSdp: string) => Promise<string>): void;
	/** The call ended (or never started): closes the connection, which ends this side's file. */
	stop(): void;
}

const GATHER_LIMIT_MS = 3000;

/** Waits until ICE gathering ends, so one offer carries every candidate (the server has no trickle). */
function gathered(pc: RTCPeerConnection): Promise<void> {
	return new Promise((resolve) => {
		if (pc.iceGatheringState === "complete") return resolve();
		pc.addEventListener("icegatheringstatechange", () => pc.iceGatheringState === "complete" && resolve());
		setTimeout(resolve, GATHER_LIMIT_MS);
	});
}

/** One send-only connection to the server's recorder, its offer being prepared. */
interface Leg {
	pc: RTCPeerConnection;
	audio: RTCRtpSender;
	video: RTCRtpSender | null;
	offer: Promise<void>;
}

function openLeg(mode: "audio" | "audio+video", iceServers: IceServer[]): Leg {
	const pc = new RTCPeerConnection({ iceServers });
	const audio = pc.addTransceiver("audio", { direction: "sendonly" }).sender;
	const video = mode === "audio+video" ? pc.addTransceiver("video", { direction: "sendonly", sendEncodings: [{ maxBitrate: 600_000 }] }).sender : null;
	const offer = pc
		.createOffer()
		.then((description) => pc.setLocalDescription(description))
		.then(() => gathered(pc));
	return { pc, audio, video, offer };
}

/**
 * This side's recording. A connection to the recorder that fails (a network change) is replaced by
 * a new one, which the server records as this side's next segment; after the call the segments
 * become one file.
 */
export function prepareRecording(mode: "audio" | "audio+video", iceServers: IceServer[]): PreparedRecording {
	let leg = openLeg(mode, iceServers);
	let stopped = false;
	const failed = (broken: Leg) => (error: unknown) => {
		console.warn("destek: this call is not being recorded", error);
		broken.pc.close();
	};
	leg.offer.catch(failed(leg));
	return {
		start(peer, exchange) {
			const begin = (current: Leg, mic: MediaStreamTrack | null, sent: MediaStreamTrack | null) => {
				current.audio.replaceTrack(mic).catch(logFailure("switching the recorded microphone"));
				current.video?.replaceTrack(sent).catch(logFailure("switching the recorded camera"));
				current.pc.onconnectionstatechange = () => {
					if (current.pc.connectionState !== "failed" || stopped || leg !== current) return;
					// The recorder is out of reach: a fresh connection, with what this side sends now.
					leg = openLeg(mode, iceServers);
					leg.offer.catch(failed(leg));
					begin(leg, current.audio.track, current.video?.track ?? null);
					current.pc.close();
				};
				current.offer
					.then(() => exchange(current.pc.localDescription?.sdp ?? ""))
					.then((sdp) => (current.pc.signalingState === "closed" ? undefined : current.pc.setRemoteDescription({ type: "answer", sdp })))
					.catch(failed(current));
			};
			// The recording follows what the call sends: camera or screen, and another microphone
			// chosen or the headset unplugged.
			peer.onLocalVideo = (track) => {
				leg.video?.replaceTrack(track).catch(logFailure("switching the recorded camera"));
			};
			peer.onLocalAudio = (track) => {
				leg.audio.replaceTrack(track).catch(logFailure("switching the recorded microphone"));
			};
			begin(leg, peer.local?.getAudioTracks()[0] ?? null, peer.localVideo);
		},
		stop: () => {
			stopped = true;
			leg.pc.close();
		},
	};
}
