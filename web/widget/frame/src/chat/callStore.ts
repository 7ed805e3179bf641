import { CallPeer } from "../../../../shared/call/callPeer";
import { applyIceServers, renewIceServersPeriodically } from "../../../../shared/call/iceRenewal";
import { retryRejoinUntilConnected } from "../../../../shared/call/rejoinRetry";
import { prepareRecordingLazily } from "../../../../shared/call/lazyRecording";
import type { PreparedRecording } from "../../../../shared/call/recorderLeg";
import { type Ack, type CallResume, type CallStart, type CallView, RECORDING_CONSENT_VERSION, type RecordingConsent } from "../protocol";
import { postToHost } from "../host/hostBridge";
import { createStore } from "../state/store";
import { freshWidgetConfig } from "../widgetConfig";
import { ACK_TIMEOUT_MS, settleAck, type VisitorSocket } from "./visitorSocket";

// The visitor's side of a call: ask for the microphone, queue with `call:start`, then answer the
// agent's offer once someone accepts. Only one call at a time. When calls are recorded, the
// visitor first agrees to that ("confirm"), before anything is asked or sent; the recording mode
// is asked of the server at the press, and the server refuses a call without consent to its
// current mode (`recording_consent_required`), which brings the consent step back.

type RecordingMode = RecordingConsent["mode"];

export interface CallState {
	phase: "idle" | "confirm" | "starting" | "queued" | "active" | "ended";
	/** The recording the visitor is asked to agree to, while phase is "confirm". */
	consentMode: RecordingMode | null;
	call: CallView | null;
	position: number;
	peer: CallPeer | null;
	/** A server message (e.g. the daily limit) or a widget error id ("microphone"). */
	error: { id: string; message: string } | null;
}

export const callState = createStore<CallState>({ phase: "idle", consentMode: null, call: null, position: 0, peer: null, error: null });

let socket: VisitorSocket | null = null;
let stream: MediaStream | null = null;
let iceServers: CallStart["iceServers"] = [];
/** This side's recording, prepared while the call waits so it starts as soon as it is answered. */
let recording: PreparedRecording | null = null;
/** Stops renewing the live call's TURN credentials. */
let stopRenewing: (() => void) | null = null;

function patch(change: Partial<CallState>): void {
	callState.update((state) => ({ ...state, ...change }));
}

function mine(callId: string): boolean {
	return callState.get().call?.id === callId;
}

/** Asks for fresh ICE servers for this call (short-lived TURN credentials) and hands them to the connection. */
function renewIceServers(): void {
	const { call, phase } = callState.get();
	if (!call || (phase !== "queued" && phase !== "active")) return;
	socket?.timeout(ACK_TIMEOUT_MS).emit(
		"call:ice",
		{ callId: call.id },
		settleAck((a) => {
			if (!a.ok || !mine(call.id)) return;
			iceServers = a.data.iceServers;
			applyIceServers([callState.get().peer?.pc], iceServers);
		}),
	);
}

function finish(call: CallView | null): void {
	const { peer } = callState.get();
	stopRenewing?.();
	stopRenewing = null;
	stopRetrying?.();
	stopRetrying = null;
	recording?.stop();
	recording = null;
	peer?.close();
	for (const track of stream?.getTracks() ?? []) track.stop();
	stream = null;
	patch({ phase: call ? "ended" : "idle", call, peer: null });
}

/** Wires the call events of the visitor socket. */
export function attachCalls(visitorSocket: VisitorSocket): void {
	socket = visitorSocket;
	socket.on("call:queue", ({ callId, position }) => {
		if (mine(callId)) patch({ position });
	});
	// Back after a reload or a dropped connection: find the call again (the credentials held may
	// have expired meanwhile too).
	socket.on("connect", () => {
		resume().catch((error: unknown) => console.warn("destek: could not resume the call", error));
	});
	socket.on("call:accepted", ({ call, iceServers: live }) => {
		if (!mine(call.id) || !stream) return;
		// Fresh TURN credentials for the live call; those given while it rang expire soon.
		if (live) iceServers = live;
		answer(call, false);
	});
	// The agent's console reloaded (or lost its connection for good) and has a fresh one: so does
	// this side, keeping the microphone; the agent's offer follows.
	socket.on("call:peer-rejoining", ({ callId }) => {
		const { peer } = callState.get();
		if (mine(callId) && peer) patch({ peer: peer.renew(iceServers) });
	});
	socket.on("call:signal", ({ callId, signal }) => {
		if (mine(callId)) callState.get().peer?.handleSignal(signal);
	});
	socket.on("call:ended", ({ call }) => {
		if (mine(call.id)) finish(call);
	});
}

/** This side of a live call: the answerer, with its recording. `rejoining`: connected before, on a page that reloaded. */
function answer(call: CallView, rejoining: boolean): CallPeer | null {
	if (!stream) return null;
	const peer = new CallPeer({
		iceServers,
		role: "answerer",
		sendSignal: (signal) => socket?.emit("call:signal", { callId: call.id, signal }, () => {}),
		reportVideo: () => socket?.emit("call:media", { callId: call.id, video: true }, () => {}),
		rejoining,
	});
	peer.start(stream);
	recording?.start(peer, (sdp) =>
		new Promise((resolve, reject) =>
			socket?.timeout(ACK_TIMEOUT_MS).emit("call:record", { callId: call.id, sdp }, settleAck((a) => (a.ok ? resolve(a.data.sdp) : reject(new Error(a.error.id))))),
		),
	);
	patch({ phase: "active", call, peer, error: null });
	stopRenewing ??= renewIceServersPeriodically(renewIceServers);
	return peer;
}

/** Stops sending the news of a rejoin again. */
let stopRetrying: (() => void) | null = null;

/**
 * Tells the agent this side has a fresh connection, so their console starts one too and offers;
 * again with a fresh connection each time, until one is up (the news may be lost on the way).
 */
function rejoin(call: CallView): void {
	announceRejoin(call);
	stopRetrying?.();
	stopRetrying = retryRejoinUntilConnected(
		() => (mine(call.id) ? callState.get().peer : null),
		() => {
			const { peer } = callState.get();
			if (!peer) return;
			patch({ peer: peer.renew(iceServers) });
			announceRejoin(call);
		},
	);
}

function announceRejoin(call: CallView): void {
	socket?.timeout(ACK_TIMEOUT_MS).emit(
		"call:rejoin",
		{ callId: call.id },
		settleAck((a) => {
			if (!a.ok && mine(call.id)) finish({ ...call, status: "ended", durationMs: Date.now() - Date.parse(call.answeredAt ?? "") || 0 });
		}),
	);
}

/** The microphone for a call found again after a reload; without it the visitor still listens. */
async function microphone(): Promise<MediaStream> {
	try {
		return await navigator.mediaDevices.getUserMedia({ audio: true });
	} catch {
		return new MediaStream();
	}
}

/**
 * Back on the socket: after a reload the call is found again (waiting, or live: then this side
 * starts a fresh connection and the agent's console follows); after a dropped connection the call
 * is checked (it may have been answered or ended meanwhile) and its connection repaired if broken.
 */
async function resume(): Promise<void> {
	const answered = await new Promise<Ack<CallResume>>((resolve) => socket?.timeout(ACK_TIMEOUT_MS).emit("call:resume", {}, settleAck(resolve)));
	if (!answered.ok) return;
	const { call: found, position, iceServers: fresh } = answered.data;
	const { phase, call: held, peer } = callState.get();
	const holding = phase === "queued" || phase === "active" ? held : null;
	if (holding && found?.id !== holding.id) {
		// It ended while this side was away.
		finish(holding.answeredAt ? { ...holding, status: "ended", durationMs: Date.now() - Date.parse(holding.answeredAt) } : null);
		return;
	}
	if (!found) return;
	iceServers = fresh;
	applyIceServers([peer?.pc], iceServers);
	if (!holding) {
		if (phase !== "idle" && phase !== "ended") return; // a call is being placed right now
		stream = await microphone();
		if (callState.get().phase !== phase) return;
		if (found.recording !== "off") recording = prepareRecordingLazily(found.recording, iceServers);
		if (found.status === "queued") patch({ phase: "queued", call: found, position: position ?? 1 });
		else if (answer(found, true)) rejoin(found);
		// The host page may have reloaded with the chat closed: the call must be seen (and its tap button reachable).
		postToHost({ type: "destek:open" });
		return;
	}
	if (found.status === "queued") return patch({ position: position ?? callState.get().position });
	if (phase === "queued") {
		// Answered while the socket was away: the acceptance was missed.
		if (answer(found, false)) rejoin(found);
		return;
	}
	// Broken while the socket was away (and the news that the agent rejoined maybe lost with it):
	// both sides start afresh.
	const state = peer?.pc.connectionState;
	if (peer && (state === "disconnected" || state === "failed" || state === "closed")) {
		patch({ peer: peer.renew(iceServers) });
		rejoin(found);
	}
}

/** The recording mode to ask consent for, when the server refused a call for the lack of it. */
function consentAskedFor(error: { id: string; details?: Record<string, string> }): RecordingMode | null {
	const mode = error.details?.mode;
	return error.id === "recording_consent_required" && (mode === "audio" || mode === "audio+video") ? mode : null;
}

/**
 * Asks for the microphone, then joins the queue. `consentedTo` is the recording mode the visitor
 * just agreed to; without it, the server is asked whether calls are recorded now, and if so the
 * visitor is asked first.
 */
export async function startCall(consentedTo: RecordingMode | null = null): Promise<void> {
	const { phase } = callState.get();
	if (!socket || (phase !== "idle" && phase !== "ended" && !(phase === "confirm" && consentedTo))) return;
	patch({ phase: "starting", consentMode: null, error: null, call: null });
	if (!consentedTo) {
		const { recording } = await freshWidgetConfig();
		if (callState.get().phase !== "starting") return; // hung up meanwhile
		if (recording !== "off") return patch({ phase: "confirm", consentMode: recording });
	}
	try {
		stream = await navigator.mediaDevices.getUserMedia({ audio: true });
	} catch {
		patch({ phase: "idle", error: { id: "microphone_call", message: "" } });
		return;
	}
	if (callState.get().phase !== "starting") return finish(null); // hung up while asked for the microphone
	const consent = consentedTo ? { mode: consentedTo, version: RECORDING_CONSENT_VERSION } : undefined;
	const answer = await new Promise<Ack<CallStart>>((resolve) =>
		socket?.timeout(ACK_TIMEOUT_MS).emit("call:start", { media: "audio", ...(consent ? { consent } : {}) }, settleAck(resolve)),
	);
	if (!answer.ok) {
		finish(null);
		// Recording was switched on (or changed) since the visitor was asked: ask again, for that mode.
		const askFor = consentAskedFor(answer.error);
		patch(askFor ? { phase: "confirm", consentMode: askFor } : { error: answer.error });
		return;
	}
	iceServers = answer.data.iceServers;
	const { call } = answer.data;
	if (call.recording !== "off") recording = prepareRecordingLazily(call.recording, iceServers);
	patch({ phase: "queued", call, position: answer.data.position });
}

/** Leaves the queue or ends the call. */
export function hangUp(): void {
	const { call } = callState.get();
	if (!call) finish(null);
	else socket?.emit("call:hangup", { callId: call.id }, (a) => finish(a.ok && a.data.call.answeredAt ? a.data.call : null));
}

/** Back to the chat after the "Call ended" line. */
export function dismissCall(): void {
	patch({ phase: "idle", consentMode: null, call: null, error: null });
}
