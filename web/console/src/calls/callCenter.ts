import type { Translate } from "../../../shared/i18n";
import { CallPeer, formatDuration } from "../../../shared/call/callPeer";
import { applyIceServers, renewIceServersPeriodically } from "../../../shared/call/iceRenewal";
import { retryRejoinUntilConnected } from "../../../shared/call/rejoinRetry";
import { type PreparedRecording, prepareRecording } from "../../../shared/call/recorderLeg";
import { ApiError } from "../api/http";
import { createRingingRecordings } from "./ringingRecordings";
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
/** A call answered longer ago than this, found live when the page loads, was connected before: "Reconnecting…". */
const REJOIN_AFTER_MS = 5_000;

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
	const ringing = createRingingRecordings();

	function notice(text: string): void {
		clearTimeout(noticeTimer);
		store.update({ notice: text });
		noticeTimer = setTimeout(() => store.update({ notice: null }), NOTICE_MS);
	}

	/** Whether a waiting call rings here: it rings its inbox's available members first, everyone when none is. */
	const ringsMe = (entry: CallsState["queue"][number]) => !entry.ringAgentIds || entry.ringAgentIds.includes(deps.agentId);

	/** Rings while calls wait for this agent and the agent is free; stops on accept, reject, taken or ended. */
	function updateRing(): void {
		const { queue, active } = store.get();
		const ring = queue.some(ringsMe) && !active;
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
		for (const entry of state.queue) {
			const { call } = entry;
			if (announced.has(call.id) || !ringsMe(entry)) continue;
			announced.add(call.id);
			showDesktopNotification({
				title: t("calls.incoming", { name: call.visitor.name }),
				body: t(call.media === "video" ? "calls.video" : "calls.audio"),
				tag: `call:${call.id}`,
				onOpen: () => navigate(callRoute(call.id)),
			});
		}
		store.update({ queue: state.queue, usage: state.usage });
		ringing.follow(state.queue);
		updateRing();
	}

	function removeFromQueue(callId: string): void {
		store.update((s) => ({ queue: s.queue.filter((entry) => entry.call.id !== callId) }));
		ringing.follow(store.get().queue);
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
		stopRetrying?.();
		stopRetrying = null;
		active.recording?.stop();
		active.peer.close();
		store.update({ active: null });
		notice(deps.translate()("calls.ended", { name: call.visitor.name, duration: formatDuration(call.durationMs ?? 0) }));
		updateRing();
	}

	/**
	 * Asks for the microphone (and camera for a video call). Refused, the agent still takes part and
	 * listens: an empty stream, and the call screen says the microphone is blocked.
	 */
	async function takeMedia(call: CallView): Promise<MediaStream> {
		try {
			return await navigator.mediaDevices.getUserMedia({ audio: true, video: call.media === "video" });
		} catch {
			try {
				if (call.media === "video") return await navigator.mediaDevices.getUserMedia({ audio: true });
			} catch {}
			notice(deps.translate()("calls.microphone"));
			return new MediaStream();
		}
	}

	/**
	 * This console's side of a call it is the agent of: the WebRTC offerer. A call it did not just
	 * accept (accepted in Telegram, or live before this page reloaded) is rejoined: the caller's
	 * widget is told to start a fresh connection first, and this side's offer follows.
	 */
	function startPeer(call: CallView, iceServers: IceServer[], stream: MediaStream, options: { ready?: PreparedRecording; rejoin?: boolean } = {}): void {
		const peer = new CallPeer({
			iceServers,
			role: "offerer",
			sendSignal: (signal) => socket.emit("call:signal", { callId: call.id, signal }, () => {}),
			reportVideo: () => socket.emit("call:media", { callId: call.id, video: true }, () => {}),
			// A call answered a while ago was connected before this page (re)loaded.
			rejoining: options.rejoin === true && call.answeredAt !== null && Date.now() - Date.parse(call.answeredAt) > REJOIN_AFTER_MS,
		});
		const recording = options.ready ?? (call.recording === "off" ? null : prepareRecording(call.recording, iceServers));
		store.update({ active: { call, peer, recording }, accepting: null });
		stopRenewing = renewIceServersPeriodically(renewIceServers);
		removeFromQueue(call.id);
		const go = () => {
			if (store.get().active?.peer !== peer) return;
			peer.start(stream);
			recording?.start(peer, (sdp) => socketRequest(socket, "call:record", { callId: call.id, sdp }).then((answer) => answer.sdp));
		};
		if (!options.rejoin) {
			go();
			return;
		}
		socketRequest(socket, "call:rejoin", { callId: call.id }).then(
			() => {
				go();
				retryRejoin(call);
			},
			(error: unknown) => {
				console.warn("destek: could not rejoin the call", error);
				endAfterLoss(call);
			},
		);
	}

	/** Stops sending the news of a rejoin again. */
	let stopRetrying: (() => void) | null = null;

	/** Until the fresh connection is up, the caller is told again (the news may be lost on the way), with a fresh offer. */
	function retryRejoin(call: CallView): void {
		stopRetrying?.();
		stopRetrying = retryRejoinUntilConnected(
			() => (store.get().active?.call.id === call.id ? (store.get().active?.peer ?? null) : null),
			() => {
				renewAndRejoin(call.id).catch(() => undefined);
			},
		);
	}

	/** Tells the caller, then starts a fresh connection (which offers). */
	async function renewAndRejoin(callId: string): Promise<void> {
		await socketRequest(socket, "call:rejoin", { callId });
		const { active } = store.get();
		if (active?.call.id === callId) store.update({ active: { ...active, peer: active.peer.renew() } });
	}

	/** The live call is gone (over while this console was away): shown as ended, as the server has it. */
	function endAfterLoss(call: CallView): void {
		socketRequest(socket, "call:open", { callId: call.id }).then(
			({ call: now }) => endActive(now.status === "active" ? { ...now, durationMs: null } : now),
			() => endActive(call),
		);
	}

	/**
	 * Back on the socket (a reload, or a reconnect after a network drop): finds this agent's live
	 * call. A page without it joins it afresh; a page that still has it keeps its connection, unless
	 * that one is beyond repair; a call that ended meanwhile is shown as ended.
	 */
	async function resume(): Promise<void> {
		let resumed: Awaited<ReturnType<typeof socketRequest<"call:resume">>>;
		try {
			resumed = await socketRequest(socket, "call:resume", {});
		} catch {
			return;
		}
		const { active } = store.get();
		const { call, iceServers } = resumed;
		if (active && call?.id !== active.call.id) {
			endAfterLoss(active.call);
			return;
		}
		if (call?.status !== "active") return;
		if (!active) {
			await join(call, iceServers, { rejoin: true });
			return;
		}
		applyIceServers([active.peer.pc], iceServers);
		// Broken while the socket was away (and the news that the caller rejoined maybe lost with it):
		// both sides start afresh.
		const state = active.peer.pc.connectionState;
		if (state === "disconnected" || state === "failed" || state === "closed") {
			await renewAndRejoin(call.id).catch(() => undefined);
			retryRejoin(call);
		}
	}

	/**
	 * Joins a call this agent already holds (accepted in Telegram, whose link opens `/calls/:id`):
	 * the visitor's widget is waiting for this console's offer.
	 */
	async function join(call: CallView, iceServers: IceServer[], options: { rejoin?: boolean } = {}): Promise<void> {
		if (store.get().active || store.get().accepting) return;
		store.update({ accepting: call.id, opened: null });
		const stream = await takeMedia(call);
		// The call may have ended while the browser asked for the microphone.
		if (store.get().accepting !== call.id) {
			for (const track of stream.getTracks()) track.stop();
			return;
		}
		startPeer(call, iceServers, stream, { rejoin: true, ...options });
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
			// Opened from a push notification's Accept or Reject: do what its button said, once.
			const action = takeRouteAction(call.id);
			if (action === "accept") await center.accept(call);
			else if (action === "reject") {
				center.reject(call.id);
				navigate(ROUTES.home, { replace: true });
			}
			return;
		}
		takeRouteAction(call.id);
		if (iceServers) {
			navigate(ROUTES.home, { replace: true });
			await join(call, iceServers);
			return;
		}
		store.update({ opened: { callId, call, outcome: call.status === "active" ? "taken" : "over" } });
	}

	socket.on("connect", () => {
		socketRequest(socket, "calls:sync", {}).then(applyState, () => {});
		resume().catch((error: unknown) => console.warn("destek: could not resume the call", error));
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
	// The caller's widget reloaded (or lost its connection for good) and has a fresh one: so does this side, and offers.
	socket.on("call:peer-rejoining", ({ callId }) => {
		const { active } = store.get();
		if (active?.call.id === callId) store.update({ active: { ...active, peer: active.peer.renew() } });
	});
	socket.on("call:signal", ({ callId, signal }) => {
		const { active } = store.get();
		if (active?.call.id === callId) active.peer.handleSignal(signal);
	});

	const center = {
		store,

		/** Takes the call: microphone (and camera for a video call) first, then `call:accept`, then the offer. */
		async accept(call: CallView): Promise<void> {
			if (store.get().active || store.get().accepting) return;
			store.update({ accepting: call.id });
			const stream = await takeMedia(call);
			const ready = ringing.take(call.id);
			try {
				const { call: accepted, iceServers } = await socketRequest(socket, "call:accept", { callId: call.id });
				startPeer(accepted, iceServers, stream, ready ? { ready } : {});
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
			ringing.stopAll();
			store.get().active?.recording?.stop();
			store.get().active?.peer.close();
			stopRenewing?.();
			stopRetrying?.();
			if (ringTimer) clearInterval(ringTimer);
			clearTimeout(noticeTimer);
		},
	};
	return center;
}

/**
 * The `?action=accept|reject` a push notification's button opened the console with (see sw.js), read
 * when the console loads (the inbox rewrites the query with its filters soon after), with the path it
 * came with: only that call's route acts on it, once, and the parameter leaves the address.
 */
let launchAction: { path: string; action: string } | null = (() => {
	const action = new URLSearchParams(location.search).get("action");
	return action ? { path: location.pathname, action } : null;
})();

function takeRouteAction(callId: string): "accept" | "reject" | null {
	const launched = launchAction;
	if (!launched?.path.endsWith(`/calls/${encodeURIComponent(callId)}`)) return null;
	launchAction = null;
	const params = new URLSearchParams(location.search);
	if (params.has("action")) {
		params.delete("action");
		const query = params.toString();
		history.replaceState(history.state, "", `${location.pathname}${query ? `?${query}` : ""}${location.hash}`);
	}
	return launched.action === "accept" || launched.action === "reject" ? launched.action : null;
}

export type CallCenter = ReturnType<typeof createCallCenter>;
