import type { IceServer, Signal } from "../../../src/protocol/calls";

// One side of a call's WebRTC connection, shared by the widget (answerer) and the console
// (offerer). Only the agent ever offers, so there is no glare: the offer always carries an audio
// and a video transceiver (sendrecv), and either side turns its camera on or off later with
// replaceTrack, without renegotiating. The signaling channel is the socket (`call:signal`).

export type { IceServer, Signal };

export interface CallPeerOptions {
	/** Exactly the server's list, possibly empty: no default STUN server is ever added. */
	iceServers: IceServer[];
	role: "offerer" | "answerer";
	sendSignal: (signal: Signal) => void;
}

export interface CallQuality {
	level: "good" | "fair" | "poor";
	/** Round-trip time in ms, packet loss in %, received bitrate in kbit/s. */
	rtt: number;
	loss: number;
	kbps: number;
}

export class CallPeer {
	readonly pc: RTCPeerConnection;
	/** Everything the other side sends, for one `<audio>`/`<video>` element. */
	readonly remoteStream = new MediaStream();
	/** Called on connection state changes and when the remote or local video comes and goes. */
	onChange: () => void = () => {};
	local: MediaStream | null = null;
	camera: MediaStreamTrack | null = null;
	remoteVideo = false;

	private readonly role: CallPeerOptions["role"];
	private readonly send: CallPeerOptions["sendSignal"];
	private pending: RTCIceCandidateInit[] = [];
	private chain: Promise<void> = Promise.resolve();
	private attached = false;
	private lastBytes = 0;
	private lastAt = 0;

	constructor({ iceServers, role, sendSignal }: CallPeerOptions) {
		this.role = role;
		this.send = sendSignal;
		this.pc = new RTCPeerConnection({ iceServers });
		this.pc.onicecandidate = ({ candidate: c }) => {
			if (c?.candidate) {
				this.send({ type: "candidate", candidate: { candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex } });
			}
		};
		this.pc.ontrack = ({ track }) => {
			this.remoteStream.addTrack(track);
			if (track.kind === "video") {
				const update = (on: boolean) => () => {
					this.remoteVideo = on;
					this.onChange();
				};
				track.onunmute = update(true);
				track.onmute = update(false);
				track.onended = update(false);
			}
			this.onChange();
		};
		this.pc.onconnectionstatechange = () => this.onChange();
		this.pc.oniceconnectionstatechange = () => {
			// Repair a broken path (network change) with an ICE restart; only the offerer offers.
			if (this.pc.iceConnectionState === "failed" && this.role === "offerer") this.queue(() => this.offer(true));
		};
	}

	/** Adds the microphone (and camera, if the stream has one); the offerer then sends its offer. */
	start(local: MediaStream): void {
		this.local = local;
		this.camera = local.getVideoTracks()[0] ?? null;
		if (this.role === "offerer") {
			this.attach();
			this.queue(() => this.offer(false));
		}
	}

	/** Applies one message from the other side, in the order received. */
	handleSignal(signal: Signal): void {
		this.queue(async () => {
			const pc = this.pc;
			if (signal.type === "candidate") {
				if (pc.remoteDescription) await pc.addIceCandidate(signal.candidate).catch(() => {});
				else this.pending.push(signal.candidate);
				return;
			}
			if (signal.type === "offer" && this.role !== "answerer") return;
			if (signal.type === "answer" && pc.signalingState !== "have-local-offer") return;
			await pc.setRemoteDescription({ type: signal.type, sdp: signal.sdp });
			for (const candidate of this.pending.splice(0)) await pc.addIceCandidate(candidate).catch(() => {});
			if (signal.type === "offer") {
				this.attach();
				const answer = await pc.createAnswer();
				await pc.setLocalDescription(answer);
				this.send({ type: "answer", sdp: answer.sdp ?? "" });
			}
		});
	}

	/** Silences the microphone without renegotiating. */
	setMuted(muted: boolean): void {
		for (const track of this.local?.getAudioTracks() ?? []) track.enabled = !muted;
	}

	/** Turns the camera on (asking for it) or off, on the pre-negotiated video transceiver. */
	async setCamera(on: boolean): Promise<void> {
		const sender = this.videoSender();
		if (on && !this.camera) {
			const track = (await navigator.mediaDevices.getUserMedia({ video: true })).getVideoTracks()[0];
			if (!track) return;
			this.camera = track;
			this.local?.addTrack(track);
			await sender?.replaceTrack(track);
		} else if (!on && this.camera) {
			this.local?.removeTrack(this.camera);
			this.camera.stop();
			this.camera = null;
			await sender?.replaceTrack(null);
		}
		this.onChange();
	}

	/** Round-trip time, loss and bitrate from `getStats()`, rated good, fair or poor. */
	async quality(): Promise<CallQuality> {
		let rtt = 0;
		let lost = 0;
		let received = 0;
		let bytes = 0;
		(await this.pc.getStats()).forEach((s) => {
			if (s.type === "candidate-pair" && s.nominated && s.currentRoundTripTime !== undefined) rtt = s.currentRoundTripTime * 1000;
			if (s.type === "inbound-rtp") {
				lost += s.packetsLost ?? 0;
				received += s.packetsReceived ?? 0;
				bytes += s.bytesReceived ?? 0;
			}
		});
		const now = performance.now();
		const kbps = this.lastAt && bytes >= this.lastBytes ? ((bytes - this.lastBytes) * 8) / (now - this.lastAt) : 0;
		this.lastBytes = bytes;
		this.lastAt = now;
		const loss = received + lost > 0 ? (lost * 100) / (received + lost) : 0;
		const level = rtt < 300 && loss < 2 ? "good" : rtt < 600 && loss < 8 ? "fair" : "poor";
		return { level, rtt: Math.round(rtt), loss: Math.round(loss * 10) / 10, kbps: Math.round(kbps) };
	}

	/** Ends the connection and releases the microphone and camera. */
	close(): void {
		this.pc.close();
		for (const track of this.local?.getTracks() ?? []) track.stop();
		this.camera?.stop();
	}

	private queue(step: () => Promise<void>): void {
		this.chain = this.chain.then(step).catch(() => {});
	}

	private videoSender(): RTCRtpSender | undefined {
		return this.pc.getTransceivers().find((t) => t.receiver.track.kind === "video")?.sender;
	}

	/** Puts the local tracks on the audio and video transceivers (created here by the offerer). */
	private attach(): void {
		if (this.attached || !this.local) return;
		this.attached = true;
		const mic = this.local.getAudioTracks()[0] ?? null;
		const streams = [this.local];
		if (this.role === "offerer") {
			this.pc.addTransceiver(mic ?? "audio", { direction: "sendrecv", streams });
			this.pc.addTransceiver(this.camera ?? "video", { direction: "sendrecv", streams });
			return;
		}
		for (const transceiver of this.pc.getTransceivers()) {
			const kind = transceiver.receiver.track.kind;
			transceiver.direction = "sendrecv";
			transceiver.sender.setStreams?.(this.local);
			void transceiver.sender.replaceTrack(kind === "audio" ? mic : this.camera);
		}
	}

	private async offer(iceRestart: boolean): Promise<void> {
		const offer = await this.pc.createOffer({ iceRestart });
		await this.pc.setLocalDescription(offer);
		this.send({ type: "offer", sdp: offer.sdp ?? "" });
	}
}

/** mm:ss (or h:mm:ss) of a duration in ms. */
export function formatDuration(ms: number): string {
	const total = Math.max(0, Math.floor(ms / 1000));
	const pad = (n: number) => String(n).padStart(2, "0");
	const h = Math.floor(total / 3600);
	const m = Math.floor((total % 3600) / 60);
	return `${h ? `${h}:${pad(m)}` : pad(m)}:${pad(total % 60)}`;
}
