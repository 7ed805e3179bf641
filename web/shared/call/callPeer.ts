import type { IceServer, Signal } from "../../../src/protocol/calls";
import { logFailure } from "../logFailure";

// One side of a call's WebRTC connection, shared by the widget (answerer) and the console
// (offerer). Only the agent ever offers, so there is no glare: the offer always carries an audio
// and a video transceiver (sendrecv), and either side turns its camera on or off, or shares a
// screen in its place, later with replaceTrack, without renegotiating. The signaling channel is
// the socket (`call:signal`).
//
// A connection that breaks is repaired in two ways. A network change (Wi-Fi to mobile) keeps the
// connection and restarts ICE: the offerer does that once ICE has been disconnected for a few
// seconds, not only once it has failed. A page that reloaded, on either side, starts a fresh
// connection (`renew`), and the other side, told so by the server, starts a fresh one too.

export type { IceServer, Signal };

export interface CallPeerOptions {
	/** Exactly the server's list, possibly empty: no default STUN server is ever added. */
	iceServers: RTCIceServer[];
	role: "offerer" | "answerer";
	sendSignal: (signal: Signal) => void;
	/** Told once, the first time this side sends video (camera or screen): the call is then a video call. */
	reportVideo?: () => void;
	/** This connection replaces one that was lost: it shows "reconnecting" until connected, then "back". */
	rejoining?: boolean;
}

/** What the call screen says of the connection. "back" lasts a few seconds after a reconnection. */
export type CallLink = "connecting" | "connected" | "reconnecting" | "back";

/** How long ICE may stay disconnected before the offerer restarts it, and how often it tries again. */
export const ICE_RESTART_AFTER_MS = 3_000;
const ICE_RESTART_RETRY_MS = 5_000;
const BACK_SHOWN_MS = 4_000;


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
	/** Called whenever the microphone changes (another one chosen, or the one in use unplugged). */
	onLocalAudio?: (track: MediaStreamTrack | null) => void;
	local: MediaStream | null = null;
	camera: MediaStreamTrack | null = null;
	/** The shared screen; while set it takes the camera's place on the video sender. */
	screen: MediaStreamTrack | null = null;
	remoteVideo = false;
	/**
	 * One capture for the whole call (Telegram's WebViews ask permission again for every
	 * getUserMedia): the camera is never asked for again, only switched off and on, and the call
	 * screen offers no other microphone and no screen sharing.
	 */
	singleCapture = false;
	/** With `singleCapture`: the captured camera while it is switched off (kept, not stopped). */
	parkedCamera: MediaStreamTrack | null = null;

	private readonly send: CallPeerOptions["sendSignal"];
	private reportVideo: CallPeerOptions["reportVideo"];
	/** Connected once (or replacing a connection that was): any later loss is "reconnecting". */
	private wasConnected: boolean;
	private backUntil = 0;
	private restartTimer: ReturnType<typeof setTimeout> | undefined;
	private backTimer: ReturnType<typeof setTimeout> | undefined;
	private pending: RTCIceCandidateInit[] = [];
	private chain: Promise<void> = Promise.resolve();
	private attached = false;

	constructor({ iceServers, role, sendSignal, reportVideo, rejoining = false }: CallPeerOptions) {
		this.role = role;
		this.send = sendSignal;
		this.reportVideo = reportVideo;
		this.wasConnected = rejoining;
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
			if (this.pc.connectionState === "connected") {
				if (this.wasConnected) this.showBack();
				this.wasConnected = true;
				this.tune().catch(logFailure("tuning the call's encoders"));
			}
			this.onChange();
		};
		this.pc.oniceconnectionstatechange = () => {
			const state = this.pc.iceConnectionState;
			if (state === "disconnected" || state === "failed") this.scheduleIceRestart(state === "failed" ? 0 : ICE_RESTART_AFTER_MS);
			this.onChange();
		};
		// The offerer's every offer comes from here: the first one, and each ICE restart (restartIce).
		this.pc.onnegotiationneeded = () => {
			if (this.role === "offerer") this.queue(() => this.offer());
		};
	}

	/** Connecting, connected, reconnecting (ICE lost, or the other side is coming back), or just back. */
	get link(): CallLink {
		if (this.pc.connectionState === "connected") return Date.now() < this.backUntil ? "back" : "connected";
		return this.wasConnected ? "reconnecting" : "connecting";
	}

	/**
	 * A fresh connection in this one's place, with the same microphone, camera and screen (the
	 * other side reloaded, or this one did and kept nothing but its media). This one is closed; the
	 * media stays. The offerer's new connection offers as soon as it is started.
	 */
	renew(iceServers: RTCIceServer[] = this.pc.getConfiguration().iceServers ?? []): CallPeer {
		// Still to report if this side has not sent video yet; a report already made is not repeated.
		const next = new CallPeer({ iceServers, role: this.role, sendSignal: this.send, reportVideo: this.reportVideo, rejoining: true });
		next.onChange = this.onChange;
		if (this.onLocalVideo) next.onLocalVideo = this.onLocalVideo;
		if (this.onLocalAudio) next.onLocalAudio = this.onLocalAudio;
		next.screen = this.screen;
		next.singleCapture = this.singleCapture;
		next.parkedCamera = this.parkedCamera;
		this.release();
		if (this.local) next.start(this.local);
		return next;
	}

	/** Restarts ICE on the same connection (the offerer offers again with fresh ICE credentials). */
	restartIce(): void {
		if (this.role === "offerer" && this.pc.signalingState !== "closed") this.pc.restartIce();
	}

	/** While ICE stays disconnected or failed, the offerer restarts it, and tries again until it is back. */
	private scheduleIceRestart(afterMs: number): void {
		if (this.role !== "offerer" || this.restartTimer) return;
		this.restartTimer = setTimeout(() => {
			this.restartTimer = undefined;
			const state = this.pc.iceConnectionState;
			if (state !== "disconnected" && state !== "failed") return;
			this.restartIce();
			this.scheduleIceRestart(ICE_RESTART_RETRY_MS);
		}, afterMs);
	}

	private showBack(): void {
		this.backUntil = Date.now() + BACK_SHOWN_MS;
		clearTimeout(this.backTimer);
		this.backTimer = setTimeout(() => this.onChange(), BACK_SHOWN_MS);
	}

	/** Adds the microphone (and camera, if the stream has one); the offerer then sends its offer. */
	start(local: MediaStream): void {
		this.local = local;
		this.camera = local.getVideoTracks()[0] ?? null;
		// The offerer's transceivers make the connection ask for negotiation: the offer follows.
		if (this.role === "offerer") this.attach();
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

	/** The microphone being sent; null when it is blocked (the person still listens). */
	get microphone(): MediaStreamTrack | null {
		return this.local?.getAudioTracks()[0] ?? null;
	}

	/** What the video sender carries: the shared screen, else the camera, else nothing. */
	get localVideo(): MediaStreamTrack | null {
		return this.screen ?? this.camera;
	}

	/** Turns the camera on (asking for it) or off, on the pre-negotiated video transceiver. */
	async setCamera(on: boolean): Promise<void> {
		if (this.singleCapture) {
			// The parked camera leaves the local stream, so a renewed connection starts without it.
			if (on && !this.camera && this.parkedCamera) {
				this.camera = this.parkedCamera;
				this.parkedCamera = null;
				this.local?.addTrack(this.camera);
			} else if (!on && this.camera) {
				this.parkedCamera = this.camera;
				this.camera = null;
				this.local?.removeTrack(this.parkedCamera);
			}
			await this.putVideo();
			return;
		}
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

	/** Ends the connection and releases the microphone and camera. */
	close(): void {
		this.release();
		for (const track of this.local?.getTracks() ?? []) track.stop();
		this.camera?.stop();
		this.parkedCamera?.stop();
		this.screen?.stop();
	}

	/** Ends the connection and its timers; the media stays (a renewed connection takes it over). */
	private release(): void {
		clearTimeout(this.restartTimer);
		clearTimeout(this.backTimer);
		this.pc.onnegotiationneeded = null;
		this.pc.close();
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

	private async offer(): Promise<void> {
		// After restartIce() the browser puts fresh ICE credentials into this offer by itself.
		const offer = await this.pc.createOffer();
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
