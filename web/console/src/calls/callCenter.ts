import type { Translate } from "../../../shared/i18n";
import { CallPeer, formatDuration } from "../../../shared/call/callPeer";
import { applyIceServers, renewIceServersPeriodically } from "../../../shared/call/iceRenewal";
import { type PreparedRecording, prepareRecording } from "../../../shared/call/recorderLeg";
import { ApiError } from "../api/http";
import type { CallsState, CallView, IceServer } from "../api/inboxTypes";
import type { MessageKey } from "../i18n";
import { showDesktopNotification } from "../notifications/desktopNotifications";
import { playRing } from "../notifications/ding";
import { type AgentSocket, socketRequest } from "../realtime/agentSocket";
import { callRoute, navigate, ROUTES } from "../router";
import { createStore } from "../state/store";
import { logFailure } from "../../../shared/logFailure";

const RING_EVERY_MS = 2_000;
const NOTICE_MS = 6_000;

export interface CallCenterState {
	queue: CallsState["queue"];
	usage: CallsState["usage"] | null;
	/** The agent's own live call, and its recording when it is recorded. */
	active: { call: CallView; peer: CallPeer; recording: PreparedRecording | null } | null;
	/** Accepting this call right now (asking for the microphone, waiting for the server). */
	accepting: string | null;
	/** "X took this call." / "Call ended · 03:12": a short line under the queue. */
	notice: string | null;
	/**
	 * The call the console was opened at (`/calls/:id`) when there is nothing to answer or join:
	 * taken by someone else, over, or unknown. Shown until the agent closes it.
	 */
	opened: { callId: string; call: CallView | null; outcome: "taken" | "over" | "missing" } | null;
}

/**
 * The agent's side of calls: the shared queue (ringing while anyone waits), accepting, rejecting,
 * and the one live call, where this console is the WebRTC offerer.
 */
export function createCallCenter(deps: { socket: AgentSocket; agentId: string; translate: () => Translate<MessageKey> }) {
	const { socket, agentId } = deps;
	const store = createStore<CallCenterState>({
		queue: [],
		usage: null,
		active: null,
		accepting: null,
		notice: null,
		opened: null,
	});
	const announced = new Set<string>();
	/** The call in the route (`/calls/:id`), looked at again after a reconnect. */
	let routeCallId: string | null = null;
	let ringTimer: ReturnType<typeof setInterval> | null = null;
	let noticeTimer: ReturnType<typeof setTimeout> | undefined;
	/** Recordings prepared for the ringing calls, so the one accepted starts recording at once. */
	const prepared = new Map<string, PreparedRecording>();

	/** Prepares a recording for each recorded call that rings, and drops those no longer ringing. */
	function prepareRecordings(queue: CallsState["queue"]): void {
		for (const { call, iceServers } of queue) {
			if (call.recording !== "off" && !prepared.has(call.id)) prepared.set(call.id, prepareRecording(call.recording, iceServers));
		}
		for (const [callId, recording] of prepared) {
			if (!queue.some((entry) => entry.call.id === callId)) {
				recording.stop();
				prepared.delete(callId);
			}
		}
	}

	/** Hands over the prepared recording of a call being accepted (it leaves the queue next). */
	function takePrepared(callId: string): PreparedRecording | undefined {
		const recording = prepared.get(callId);
		prepared.delete(callId);
		return recording;
	}

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
		prepareRecordings(state.queue);
		updateRing();
	}

	function removeFromQueue(callId: string): void {
		store.update((s) => ({ queue: s.queue.filter((entry) => entry.call.id !== callId) }));
		prepareRecordings(store.get().queue);
		updateRing();
	}

	/** Stops renewing the live call's TURN credentials. */
	let stopRenewing: (() => void) | null = null;

	/** Fresh ICE servers for the live call (`call:open` re-issues them to its agent), handed to its connection. */
	function renewIceServers(): void {
		const { active } = store.get();
		if (!active) return;
		socketRequest(socket, "call:open", { callId: active.call.id }).then(
			({ iceServers }) => {
				if (iceServers && store.get().active === active) applyIceServers([active.peer.pc], iceServers);
			},
			() => {},
		);
	}

	function endActive(call: CallView): void {
		const { active } = store.get();
		if (active?.call.id !== call.id) return;
		stopRenewing?.();
		stopRenewing = null;
		active.recording?.stop();
		active.peer.close();
		store.update({ active: null });
		notice(deps.translate()("calls.ended", { name: call.visitor.name, duration: formatDuration(call.durationMs ?? 0) }));
		updateRing();
	}

	/** Asks for the microphone (and camera for a video call); null when refused, with a notice. */
	async function takeMedia(call: CallView): Promise<MediaStream | null> {
		try {
			return await navigator.mediaDevices.getUserMedia({ audio: true, video: call.media === "video" });
		} catch {
			notice(deps.translate()("calls.microphone"));
			return null;
		}
	}

	/** This console's side of a call it is the agent of: the WebRTC offerer. */
	function startPeer(call: CallView, iceServers: IceServer[], stream: MediaStream, ready?: PreparedRecording): void {
		const peer = new CallPeer({
			iceServers,
			role: "offerer",
			sendSignal: (signal) => socket.emit("call:signal", { callId: call.id, signal }, () => {}),
			reportVideo: () => socket.emit("call:media", { callId: call.id, video: true }, () => {}),
		});
		const recording = ready ?? (call.recording === "off" ? null : prepareRecording(call.recording, iceServers));
		store.update({ active: { call, peer, recording }, accepting: null });
		stopRenewing = renewIceServersPeriodically(renewIceServers);
		removeFromQueue(call.id);
		peer.start(stream);
		recording?.start(peer, (sdp) => socketRequest(socket, "call:record", { callId: call.id, sdp }).then((answer) => answer.sdp));
	}

	/**
	 * Joins a call this agent already holds (accepted in Telegram, whose link opens `/calls/:id`):
	 * the visitor's widget is waiting for this console's offer.
	 */
	async function join(call: CallView, iceServers: IceServer[]): Promise<void> {
		if (store.get().active || store.get().accepting) return;
		store.update({ accepting: call.id, opened: null });
		const stream = await takeMedia(call);
		if (!stream) {
			store.update({ accepting: null });
			return;
		}
		// The call may have ended while the browser asked for the microphone.
		if (store.get().accepting !== call.id) {
			for (const track of stream.getTracks()) track.stop();
			return;
		}
		startPeer(call, iceServers, stream);
	}

	/** Looks up the call in the route: rings it if it waits, joins it if it is ours, else says why not. */
	async function openRouteCall(): Promise<void> {
		const callId = routeCallId;
		if (!callId || !socket.connected) return;
		const { active, accepting } = store.get();
		if (active?.call.id === callId || accepting === callId) return;
		let opened: Awaited<ReturnType<typeof socketRequest<"call:open">>>;
		try {
			opened = await socketRequest(socket, "call:open", { callId });
		} catch (error) {
			if (routeCallId !== callId) return;
			if (error instanceof ApiError && (error.id === "call_not_found" || error.id === "invalid_request")) {
				store.update({ opened: { callId, call: null, outcome: "missing" } });
			}
			return;
		}
		if (routeCallId !== callId) return;
		const { call, position, iceServers } = opened;
		if (call.status === "queued") {
			// Ringing: the incoming-call panel shows it, focused. The queue may not have synced yet.
			if (!store.get().queue.some((entry) => entry.call.id === call.id)) {
				store.update((s) => ({ queue: [...s.queue, { call, position: position ?? s.queue.length + 1, iceServers: iceServers ?? [] }] }));
				updateRing();
			}
			return;
		}
		if (iceServers) {
			navigate(ROUTES.home, { replace: true });
			await join(call, iceServers);
			return;
		}
		store.update({ opened: { callId, call, outcome: call.status === "active" ? "taken" : "over" } });
	}

	socket.on("connect", () => {
		socketRequest(socket, "calls:sync", {}).then(applyState, () => {});
		// Back after a dropped connection: the live call's credentials may have expired meanwhile.
		renewIceServers();
		openRouteCall().catch(logFailure("opening the call"));
	});
	socket.on("calls:state", applyState);
	socket.on("call:taken", ({ call }) => {
		removeFromQueue(call.id);
		if (call.agent && call.agent.id !== agentId) notice(deps.translate()("calls.taken", { name: call.agent.name }));
		if (call.id !== routeCallId) return;
		// The call on screen was taken: by this agent in Telegram (join it), or by someone else.
		if (call.agent?.id === agentId) openRouteCall().catch(logFailure("opening the call"));
		else store.update({ opened: { callId: call.id, call, outcome: "taken" } });
	});
	socket.on("call:ended", ({ call }) => {
		removeFromQueue(call.id);
		if (store.get().accepting === call.id && !store.get().active) store.update({ accepting: null });
		if (call.id === routeCallId && store.get().active?.call.id !== call.id) {
			store.update({ opened: { callId: call.id, call, outcome: "over" } });
		}
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
			const stream = await takeMedia(call);
			if (!stream) {
				store.update({ accepting: null });
				return;
			}
			const ready = takePrepared(call.id);
			try {
				const { call: accepted, iceServers } = await socketRequest(socket, "call:accept", { callId: call.id });
				startPeer(accepted, iceServers, stream, ready);
			} catch (error) {
				ready?.stop();
				for (const track of stream.getTracks()) track.stop();
				store.update({ accepting: null });
				if (error instanceof ApiError && error.id === "call_taken") removeFromQueue(call.id);
				notice(error instanceof ApiError && error.message ? error.message : deps.translate()("calls.failed"));
			}
		},

		/** The console's route changed: `/calls/:id` gives the call's id, any other page null. */
		openRoute(callId: string | null): void {
			if (callId === routeCallId) return;
			routeCallId = callId;
			store.update({ opened: null });
			openRouteCall().catch(logFailure("opening the call"));
		},

		/** Leaves the "taken" / "over" panel of a call the console was opened at. */
		closeOpened(): void {
			store.update({ opened: null });
			navigate(ROUTES.home, { replace: true });
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
			for (const ready of prepared.values()) ready.stop();
			store.get().active?.recording?.stop();
			store.get().active?.peer.close();
			stopRenewing?.();
			if (ringTimer) clearInterval(ringTimer);
			clearTimeout(noticeTimer);
		},
	};
}

export type CallCenter = ReturnType<typeof createCallCenter>;
