import { CallPeer } from "../../../../shared/call/callPeer";
import { type PreparedRecording, prepareRecording } from "../../../../shared/call/recorderLeg";
import type { Ack, CallStart, CallView } from "../protocol";
import { createStore } from "../state/store";
import { widgetConfig } from "../widgetConfig";
import { ACK_TIMEOUT_MS, settleAck, type VisitorSocket } from "./visitorSocket";

// The visitor's side of a call: ask for the microphone, queue with `call:start`, then answer the
// agent's offer once someone accepts. Only one call at a time. When calls are recorded, the
// visitor first agrees to that ("confirm"), before anything is asked or sent.

export interface CallState {
	phase: "idle" | "confirm" | "starting" | "queued" | "active" | "ended";
	call: CallView | null;
	position: number;
	peer: CallPeer | null;
	/** A server message (e.g. the daily limit) or a widget error id ("microphone"). */
	error: { id: string; message: string } | null;
}

export const callState = createStore<CallState>({ phase: "idle", call: null, position: 0, peer: null, error: null });

let socket: VisitorSocket | null = null;
let stream: MediaStream | null = null;
let iceServers: CallStart["iceServers"] = [];
/** This side's recording, prepared while the call waits so it starts as soon as it is answered. */
let recording: PreparedRecording | null = null;

function patch(change: Partial<CallState>): void {
	callState.update((state) => ({ ...state, ...change }));
}

function mine(callId: string): boolean {
	return callState.get().call?.id === callId;
}

function finish(call: CallView | null): void {
	const { peer } = callState.get();
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
	socket.on("call:accepted", ({ call }) => {
		if (!mine(call.id) || !stream) return;
		const peer = new CallPeer({
			iceServers,
			role: "answerer",
			sendSignal: (signal) => socket?.emit("call:signal", { callId: call.id, signal }, () => {}),
		});
		peer.start(stream);
		recording?.start(peer, (sdp) =>
			new Promise((resolve, reject) =>
				socket?.timeout(ACK_TIMEOUT_MS).emit("call:record", { callId: call.id, sdp }, settleAck((a) => (a.ok ? resolve(a.data.sdp) : reject(new Error(a.error.id))))),
			),
		);
		patch({ phase: "active", call, peer });
	});
	socket.on("call:signal", ({ callId, signal }) => {
		if (mine(callId)) callState.get().peer?.handleSignal(signal);
	});
	socket.on("call:ended", ({ call }) => {
		if (mine(call.id)) finish(call);
	});
}

/** Asks for the microphone, then joins the queue; first asks for consent when calls are recorded. */
export async function startCall(consented = false): Promise<void> {
	const { phase } = callState.get();
	if (!socket || (phase !== "idle" && phase !== "ended" && !(phase === "confirm" && consented))) return;
	const recorded = (widgetConfig.get()?.recording ?? "off") !== "off";
	if (!consented && recorded) return patch({ phase: "confirm", error: null, call: null });
	patch({ phase: "starting", error: null, call: null });
	try {
		stream = await navigator.mediaDevices.getUserMedia({ audio: true });
	} catch {
		patch({ phase: "idle", error: { id: "microphone_call", message: "" } });
		return;
	}
	if (callState.get().phase !== "starting") return finish(null); // hung up while asked for the microphone
	const answer = await new Promise<Ack<CallStart>>((resolve) =>
		socket?.timeout(ACK_TIMEOUT_MS).emit("call:start", { media: "audio" }, settleAck(resolve)),
	);
	if (!answer.ok) {
		finish(null);
		patch({ error: answer.error });
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
	patch({ phase: "idle", call: null, error: null });
}
