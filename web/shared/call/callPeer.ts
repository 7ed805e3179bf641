import type { IceServer, Signal } from "../../../src/protocol/calls";
import { logFailure } from "../logFailure";

// One side of a call's WebRTC connection, shared by the widget (answerer) and the console
// (offerer). Only the agent ever offers, so there is no glare: the offer always carries an audio
// and a video transceiver (sendrecv), and either side turns its camera on or off, or shares a
// screen in its place, later with replaceTrack, without renegotiating. The signaling channel is
// the socket (`call:signal`).

export type { IceServer, Signal };

export interface CallPeerOptions {
	/** Exactly the server's list, possibly empty: no default STUN server is ever added. */
	iceServers: IceServer[];
	role: "offerer" | "answerer";
	sendSignal: (signal: Signal) => void;
	/** Told once, the first time this side sends video (camera or screen): the call is then a video call. */
	reportVideo?: () => void;
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
	/** Everything the other side sends, for the (muted) `<video>` element that shows their camera. */
	readonly remoteStream = new MediaStream();
	/**
	 * The other side's audio alone, for the `<audio>` element that plays it; null until it arrives.
	 * A new stream per track: Chromium never starts the clock of an element given an empty stream
	 * that gets its track later (it stays at readyState 0).
	 */
	remoteAudio: MediaStream | null = null;
	/** The agent's console offers, the visitor's widget answers. */
	readonly role: CallPeerOptions["role"];
	/** Called on connection state changes and when the remote or local video comes and goes. */
	onChange: () => void = () => {};
	/** Called whenever the track on the video sender changes (camera, screen or none). */
	onLocalVideo?: (track: MediaStreamTrack | null) => void;
	local: MediaStream | null = null;
	camera: MediaStreamTrack | null = null;
	/** The shared screen; while set it takes the camera's place on the video sender. */
	screen: MediaStreamTrack | null = null;
	remoteVideo = false;

	private readonly send: CallPeerOptions["sendSignal"];
	private reportVideo: CallPeerOptions["reportVideo"];
	private pending: RTCIceCandidateInit[] = [];
	private chain: Promise<void> = Promise.resolve();
	private attached = false;
	private lastBytes = 0;
	private lastAt = 0;

	constructor({ iceServers, role, sendSignal, reportVideo }: CallPeerOptions) {
		this.role = role;
		this.send = sendSignal;
		this.reportVideo = reportVideo;
		this.pc = new RTCPeerConnection({ iceServers });
		this.pc.onicecandidate = ({ candidate: c }) => {
			if (c?.candidate) {
				this.send({ type: "candidate", candidate: { candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex } });
			}
		};
		this.pc.ontrack = ({ track }) => {
			this.remoteStream.addTrack(track);
			if (track.kind === "audio") this.remoteAudio = new MediaStream([track]);
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
		this.pc.onconnectionstatechange = () => {
			if (this.pc.connectionState === "connected") this.tune().catch(logFailure("tuning the call's encoders"));
			this.onChange();
		};
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

	/** What the video sender carries: the shared screen, else the camera, else nothing. */
	get localVideo(): MediaStreamTrack | null {
		return this.screen ?? this.camera;
	}

	/** Turns the camera on (asking for it) or off, on the pre-negotiated video transceiver. */
	async setCamera(on: boolean): Promise<void> {
		if (on && !this.camera) {
			const track = (await navigator.mediaDevices.getUserMedia({ video: true })).getVideoTracks()[0];
			if (!track) return;
			this.camera = track;
			this.local?.addTrack(track);
		} else if (!on && this.camera) {
			this.local?.removeTrack(this.camera);
			this.camera.stop();
			this.camera = null;
		}
		await this.putVideo();
	}

	/** Shares a screen in the camera's place (same sender, no renegotiation); the camera returns after. */
	async setScreen(on: boolean): Promise<void> {
		if (on && !this.screen) {
			const track = (await navigator.mediaDevices.getDisplayMedia({ video: true })).getVideoTracks()[0];
			if (!track) return;
			track.contentHint = "detail";
			// The browser's own "Stop sharing" bar ends the track without asking us.
			track.onended = () => {
			this.setScreen(false).catch(logFailure("stopping the screen share"));
		};
			this.screen = track;
		} else if (!on && this.screen) {
			this.screen.onended = null;
			this.screen.stop();
			this.screen = null;
		}
		await this.putVideo();
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
		this.screen?.stop();
	}

	private queue(step: () => Promise<void>): void {
		this.chain = this.chain.then(step).catch(() => {});
	}

	private videoSender(): RTCRtpSender | undefined {
		return this.pc.getTransceivers().find((t) => t.receiver.track.kind === "video")?.sender;
	}

	/** Puts the current camera or screen on the video sender and tells the listeners. */
	private async putVideo(): Promise<void> {
		const sender = this.videoSender();
		const track = this.localVideo;
		if (sender && sender.track !== track) {
			await sender.replaceTrack(track);
			this.onLocalVideo?.(track);
			if (track) this.videoSent();
			await this.tune();
		}
		this.onChange();
	}

	/**
	 * On a weak link the call must stay audible: audio goes first on the wire (priority "high"), and
	 * video is capped and told what to give up. A camera keeps its frame rate and drops resolution; a
	 * shared screen keeps its resolution (text must stay readable) and drops frames. Encoder bitrate
	 * caps rather than simulcast, because there is exactly one receiver. Best effort: a browser that
	 * rejects a field keeps its defaults.
	 */
	private async tune(): Promise<void> {
		for (const { sender, receiver } of this.pc.getTransceivers()) {
			const params = sender.getParameters();
			const encoding = params.encodings?.[0];
			if (!encoding) continue; // not negotiated yet: tuned again once connected
			if (receiver.track.kind === "audio") {
				encoding.priority = "high";
				encoding.networkPriority = "high";
			} else {
				encoding.maxBitrate = this.screen ? 1_500_000 : 800_000;
				params.degradationPreference = this.screen ? "maintain-resolution" : "maintain-framerate";
			}
			await sender.setParameters(params).catch(() => {});
		}
	}

	/** Puts the local tracks on the audio and video transceivers (created here by the offerer). */
	private attach(): void {
		if (this.attached || !this.local) return;
		this.attached = true;
		const mic = this.local.getAudioTracks()[0] ?? null;
		const streams = [this.local];
		if (this.role === "offerer") {
			this.pc.addTransceiver(mic ?? "audio", { direction: "sendrecv", streams });
			this.pc.addTransceiver(this.localVideo ?? "video", { direction: "sendrecv", streams });
		} else {
			for (const transceiver of this.pc.getTransceivers()) {
				const kind = transceiver.receiver.track.kind;
				transceiver.direction = "sendrecv";
				transceiver.sender.setStreams?.(this.local);
				transceiver.sender.replaceTrack(kind === "audio" ? mic : this.localVideo).catch(logFailure("switching the sent track"));
			}
		}
		if (this.localVideo) {
			this.onLocalVideo?.(this.localVideo);
			this.videoSent();
		}
	}

	private videoSent(): void {
		const report = this.reportVideo;
		this.reportVideo = undefined;
		report?.();
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
