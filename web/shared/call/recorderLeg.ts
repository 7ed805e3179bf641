import type { IceServer } from "../../../src/protocol/calls";

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

export function prepareRecording(mode: "audio" | "audio+video", iceServers: IceServer[]): PreparedRecording {
	const pc = new RTCPeerConnection({ iceServers });
	const audio = pc.addTransceiver("audio", { direction: "sendonly" }).sender;
	const video = mode === "audio+video" ? pc.addTransceiver("video", { direction: "sendonly", sendEncodings: [{ maxBitrate: 600_000 }] }).sender : null;
	const offer = pc
		.createOffer()
		.then((description) => pc.setLocalDescription(description))
		.then(() => gathered(pc));
	const failed = (error: unknown) => {
		console.warn("destek: this call is not being recorded", error);
		pc.close();
	};
	offer.catch(failed);
	return {
		start(peer, exchange) {
			const follow = (track: MediaStreamTrack | null) => void video?.replaceTrack(track).catch(() => {});
			void audio.replaceTrack(peer.local?.getAudioTracks()[0] ?? null).catch(() => {});
			follow(peer.localVideo);
			peer.onLocalVideo = follow;
			// Another microphone chosen, or the headset unplugged: the recording follows the call's voice.
			peer.onLocalAudio = (track) => {
				audio.replaceTrack(track).catch(() => {});
			};
			offer
				.then(() => exchange(pc.localDescription?.sdp ?? ""))
				.then((sdp) => (pc.signalingState === "closed" ? undefined : pc.setRemoteDescription({ type: "answer", sdp })))
				.catch(failed);
		},
		stop: () => pc.close(),
	};
}
