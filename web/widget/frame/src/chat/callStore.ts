import { CallPeer } from "../../../../shared/call/callPeer";
import { applyIceServers, renewIceServersPeriodically } from "../../../../shared/call/iceRenewal";
import { type PreparedRecording, prepareRecording } from "../../../../shared/call/recorderLeg";
import { type Ack, type CallStart, type CallView, RECORDING_CONSENT_VERSION, type RecordingConsent } from "../protocol";
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
	// Back after a dropped connection: the credentials held may have expired meanwhile.
	socket.on("connect", renewIceServers);
	socket.on("call:accepted", ({ call, iceServers: live }) => {
		if (!mine(call.id) || !stream) return;
		// Fresh TURN credentials for the live call; those given while it rang expire soon.
		if (live) iceServers = live;
		const peer = new CallPeer({
			iceServers,
			role: "answerer",
			sendSignal: (signal) => socket?.emit("call:signal", { callId: call.id, signal }, () => {}),
			reportVideo: () => socket?.emit("call:media", { callId: call.id, video: true }, () => {}),
		});
		peer.start(stream);
		recording?.start(peer, (sdp) =>
			new Promise((resolve, reject) =>
				socket?.timeout(ACK_TIMEOUT_MS).emit("call:record", { callId: call.id, sdp }, settleAck((a) => (a.ok ? resolve(a.data.sdp) : reject(new Error(a.error.id))))),
			),
		);
		patch({ phase: "active", call, peer });
		stopRenewing = renewIceServersPeriodically(renewIceServers);
	});
	socket.on("call:signal", ({ callId, signal }) => {
		if (mine(callId)) callState.get().peer?.handleSignal(signal);
	});
	socket.on("call:ended", ({ call }) => {
		if (mine(call.id)) finish(call);
	});
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
	if (call.recording !== "off") recording = prepareRecording(call.recording, iceServers);
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
