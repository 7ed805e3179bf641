import type { Translate } from "../../../shared/i18n";
import { CallPeer } from "../../../shared/call/callPeer";
import { ApiError } from "../api/http";
import type { CallsState, CallView } from "../api/inboxTypes";
import type { MessageKey } from "../i18n";
import { showDesktopNotification } from "../notifications/desktopNotifications";
import { playRing } from "../notifications/ding";
import { type AgentSocket, socketRequest } from "../realtime/agentSocket";
import { callRoute, navigate } from "../router";
import { createStore } from "../state/store";

const RING_EVERY_MS = 2_000;
const NOTICE_MS = 6_000;

export interface CallCenterState {
	queue: CallsState["queue"];
	usage: CallsState["usage"] | null;
	/** The agent's own live call. */
	active: { call: CallView; peer: CallPeer } | null;
	/** Accepting this call right now (asking for the microphone, waiting for the server). */
	accepting: string | null;
	/** "X took this call." / "Call ended · 03:12": a short line under the queue. */
	notice: string | null;
}

/**
 * The agent's side of calls: the shared queue (ringing while anyone waits), accepting, rejecting,
 * and the one live call, where this console is the WebRTC offerer.
 */
export function createCallCenter(deps: { socket: AgentSocket; agentId: string; translate: () => Translate<MessageKey> }) {
	const { socket, agentId } = deps;
	const store = createStore<CallCenterState>({ queue: [], usage: null, active: null, accepting: null, notice: null });
	const announced = new Set<string>();
	let ringTimer: ReturnType<typeof setInterval> | null = null;
	let noticeTimer: ReturnType<typeof setTimeout> | undefined;

	function notice(text: string): void {
		clearTimeout(noticeTimer);
		store.update({ notice: text });
		noticeTimer = setTimeout(() => store.update({ notice: null }), NOTICE_MS);
	}

	/** Rings while calls wait and the agent is free; stops on accept, reject, taken or ended. */
	function updateRing(): void {
		const { queue, active } = store.get();
		const ring = queue.length > 0 && !active;
		if (ring && !ringTimer) {
			playRing();
			ringTimer = setInterval(playRing, RING_EVERY_MS);
		} else if (!ring && ringTimer) {
			clearInterval(ringTimer);
			ringTimer = null;
		}
	}

	function applyState(state: CallsState): void {
		const t = deps.translate();
		for (const { call } of state.queue) {
			if (announced.has(call.id)) continue;
			announced.add(call.id);
			showDesktopNotification({
				title: t("calls.incoming", { name: call.visitor.name }),
				body: t(call.media === "video" ? "calls.video" : "calls.audio"),
				tag: `call:${call.id}`,
				onOpen: () => navigate(callRoute(call.id)),
			});
		}
		store.update({ queue: state.queue, usage: state.usage });
		updateRing();
	}

	function removeFromQueue(callId: string): void {
		store.update((s) => ({ queue: s.queue.filter((entry) => entry.call.id !== callId) }));
		updateRing();
	}

	function endActive(call: CallView): void {
		const { active } = store.get();
		if (active?.call.id !== call.id) return;
		active.peer.close();
		store.update({ active: null });
		const seconds = Math.round((call.durationMs ?? 0) / 1000);
		notice(
			deps.translate()("calls.ended", {
				name: call.visitor.name,
				duration: `${String(Math.floor(seconds / 60)).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}`,
			}),
		);
		updateRing();
	}

	socket.on("connect", () => {
		socketRequest(socket, "calls:sync", {}).then(applyState, () => {});
	});
	socket.on("calls:state", applyState);
	socket.on("call:taken", ({ call }) => {
		removeFromQueue(call.id);
		if (call.agent && call.agent.id !== agentId) notice(deps.translate()("calls.taken", { name: call.agent.name }));
	});
	socket.on("call:ended", ({ call }) => {
		removeFromQueue(call.id);
		endActive(call);
	});
	socket.on("call:signal", ({ callId, signal }) => {
		const { active } = store.get();
		if (active?.call.id === callId) active.peer.handleSignal(signal);
	});

	return {
		store,

		/** Takes the call: microphone (and camera for a video call) first, then `call:accept`, then the offer. */
		async accept(call: CallView): Promise<void> {
			if (store.get().active || store.get().accepting) return;
			store.update({ accepting: call.id });
			let stream: MediaStream | null = null;
			try {
				stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: call.media === "video" });
			} catch {
				store.update({ accepting: null });
				notice(deps.translate()("calls.microphone"));
				return;
			}
			try {
				const { call: accepted, iceServers } = await socketRequest(socket, "call:accept", { callId: call.id });
				const peer = new CallPeer({
					iceServers,
					role: "offerer",
					sendSignal: (signal) => socket.emit("call:signal", { callId: accepted.id, signal }, () => {}),
				});
				(window as { __destekCall?: { pc: RTCPeerConnection } }).__destekCall = { pc: peer.pc };
				store.update({ active: { call: accepted, peer }, accepting: null });
				removeFromQueue(call.id);
				peer.start(stream);
			} catch (error) {
				for (const track of stream.getTracks()) track.stop();
				store.update({ accepting: null });
				if (error instanceof ApiError && error.id === "call_taken") removeFromQueue(call.id);
				notice(error instanceof ApiError && error.message ? error.message : deps.translate()("calls.failed"));
			}
		},

		reject(callId: string): void {
			removeFromQueue(callId);
			socketRequest(socket, "call:reject", { callId }).catch(() => {});
		},

		hangUp(): void {
			const { active } = store.get();
			if (!active) return;
			socketRequest(socket, "call:hangup", { callId: active.call.id }).then(
				({ call }) => endActive(call),
				() => endActive({ ...active.call, durationMs: Date.now() - Date.parse(active.call.answeredAt ?? "") || 0 }),
			);
		},

		stop(): void {
			store.get().active?.peer.close();
			if (ringTimer) clearInterval(ringTimer);
			clearTimeout(noticeTimer);
		},
	};
}

export type CallCenter = ReturnType<typeof createCallCenter>;
