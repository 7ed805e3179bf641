import { useEffect, useRef, useState } from "preact/hooks";
import { io, type Socket } from "socket.io-client";
import type { AgentClientEvents, AgentServerEvents } from "../api/inboxTypes";
import type { Ack } from "../../../../src/protocol/chat";
import type { CallView, IceServer } from "../../../../src/protocol/calls";
import type { TelegramAppSession } from "../../../../src/protocol/telegramApp";
import { CallPeer } from "../../../shared/call/callPeer";
import { CallScreen, type CallKey } from "../../../shared/call/CallScreen";
import { callScreenEn, callScreenTr } from "../../../shared/call/i18n";
import { type PreparedRecording, prepareRecording } from "../../../shared/call/recorderLeg";
import type { MessageValues } from "../../../shared/i18n";
import { logFailure } from "../../../shared/logFailure";
import { type MiniAppKey, miniAppTexts } from "./miniAppTexts";

// destek's Telegram Mini App: one ringing call, answered inside Telegram. Telegram opens this page
// with `initData` (in `window.Telegram.WebApp` when its script runs, else in the address's
// `#tgWebAppData`); the server checks it and signs the linked agent in. Accepting asks for the
// microphone (and the camera when "Camera on" is ticked) ONCE for the whole call, because Telegram's
// WebViews ask permission again for every capture; only once that succeeded is the call claimed,
// with the console's own `call:accept`. A WebView that cannot capture or connect says so and offers
// the browser link, and a refused capture leaves the call ringing for everyone else.

type AgentSocket = Socket<AgentServerEvents, AgentClientEvents>;

interface TelegramWebApp {
	initData?: string;
	initDataUnsafe?: { user?: { language_code?: string }; start_param?: string };
	ready?: () => void;
	expand?: () => void;
	/** Opens a link in the device's browser (a plain link may stay inside Telegram's WebView). */
	openLink?: (url: string) => void;
}
declare global {
	interface Window {
		Telegram?: { WebApp?: TelegramWebApp };
	}
}

const ACK_TIMEOUT_MS = 10_000;

function telegramWebApp(): TelegramWebApp | undefined {
	return window.Telegram?.WebApp;
}

/** Telegram's signed launch data: from its script when present, else from the launch address. */
function readInitData(): string {
	const fromScript = telegramWebApp()?.initData;
	if (fromScript) return fromScript;
	return new URLSearchParams(location.hash.slice(1)).get("tgWebAppData") ?? "";
}

/** Signs in with Telegram's data; the server checks its signature and age (an hour at most). */
async function signIn(initData: string, callId: string | null): Promise<TelegramAppSession> {
	const response = await fetch("/api/telegram/app/session", {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ initData, ...(callId ? { callId } : {}) }),
	});
	const body = (await response.json()) as TelegramAppSession | { error: { message: string } };
	if (!response.ok || "error" in body) throw new Error("error" in body ? body.error.message : t("failed"));
	return body;
}

/** Opens the browser link outside Telegram when Telegram's script offers it. */
function openInBrowser(event: MouseEvent, url: string): void {
	const open = telegramWebApp()?.openLink;
	if (!open) return;
	event.preventDefault();
	open(url);
}

function fill(text: string, values?: MessageValues): string {
	return values ? text.replace(/\{(\w+)\}/g, (all, name: string) => String(values[name] ?? all)) : text;
}

const turkish = (telegramWebApp()?.initDataUnsafe?.user?.language_code ?? navigator.language).startsWith("tr");
const t = (key: MiniAppKey, values?: MessageValues) => fill(miniAppTexts[turkish ? "tr" : "en"][key], values);
const callT = (key: CallKey, values?: MessageValues) => fill((turkish ? callScreenTr : callScreenEn)[key], values);

function request<E extends "call:open" | "call:accept" | "call:reject" | "call:hangup" | "call:record">(
	socket: AgentSocket,
	event: E,
	payload: Parameters<AgentClientEvents[E]>[0],
): Promise<Parameters<Parameters<AgentClientEvents[E]>[1]>[0] extends Ack<infer T> ? T : never> {
	return new Promise((resolve, reject) => {
		const emit = socket.timeout(ACK_TIMEOUT_MS).emit as unknown as (e: string, p: unknown, ack: (err: Error | null, a: Ack<unknown>) => void) => void;
		emit.call(socket.timeout(ACK_TIMEOUT_MS), event, payload, (err, ack) => {
			if (err) reject(new Error(t("offline")));
			else if (ack.ok) resolve(ack.data as never);
			else reject(Object.assign(new Error(ack.error.message), { id: ack.error.id }));
		});
	});
}

type Screen =
	| { kind: "starting" }
	| { kind: "refused"; message: string }
	| { kind: "ringing"; call: CallView }
	| { kind: "accepting"; call: CallView }
	| { kind: "live"; call: CallView; peer: CallPeer }
	| { kind: "over"; message: string };

export function MiniApp() {
	const [screen, setScreen] = useState<Screen>({ kind: "starting" });
	const [problem, setProblem] = useState<string | null>(null);
	const [camera, setCamera] = useState(false);
	const [browserLink, setBrowserLink] = useState<string | null>(null);
	const socketRef = useRef<AgentSocket | null>(null);
	const liveRef = useRef<{ peer: CallPeer; recording: PreparedRecording | null } | null>(null);
	const [, setTick] = useState(0);

	useEffect(() => {
		const app = telegramWebApp();
		app?.ready?.();
		app?.expand?.();
		start().catch((error: unknown) => setScreen({ kind: "refused", message: error instanceof Error ? error.message : String(error) }));
		return () => {
			liveRef.current?.recording?.stop();
			liveRef.current?.peer.close();
			socketRef.current?.close();
		};
	}, []);

	async function start(): Promise<void> {
		const initData = readInitData();
		if (!initData) throw new Error(t("notInTelegram"));
		const fromAddress = new URLSearchParams(location.search).get("call");
		const body = await signIn(initData, fromAddress);
		setBrowserLink(body.browserLink);
		const callId = fromAddress ?? body.startParam;
		if (!callId) throw new Error(t("noCall"));
		// A reconnect after the access token expired (a long call) signs in again with Telegram's data.
		let token = body.accessToken;
		let renewAt = Date.now() + Math.max(0, body.expiresIn - 60) * 1000;
		const freshToken = async () => {
			if (Date.now() < renewAt) return token;
			const again = await signIn(initData, callId);
			token = again.accessToken;
			renewAt = Date.now() + Math.max(0, again.expiresIn - 60) * 1000;
			return token;
		};
		const socket: AgentSocket = io("/agent", {
			path: "/socket.io",
			transports: ["websocket", "polling"],
			auth: (send) => {
				freshToken().then(
					(fresh) => send({ token: fresh }),
					() => send({ token }),
				);
			},
		});
		socketRef.current = socket;
		socket.on("connect", () => {
			if (liveRef.current) return;
			request(socket, "call:open", { callId }).then(
				({ call }) => showCall(call, body.agent.id),
				(error: unknown) => setScreen({ kind: "over", message: error instanceof Error ? error.message : t("failed") }),
			);
		});
		socket.on("connect_error", () => setProblem(t("offline")));
		socket.on("call:taken", ({ call }) => {
			if (call.id === callId && call.agent?.id !== body.agent.id) setScreen({ kind: "over", message: t("taken", { name: call.agent?.name ?? "" }) });
		});
		socket.on("call:ended", ({ call }) => {
			if (call.id !== callId) return;
			liveRef.current?.recording?.stop();
			liveRef.current?.peer.close();
			liveRef.current = null;
			setScreen({ kind: "over", message: t("over") });
		});
		socket.on("call:signal", ({ callId: id, signal }) => {
			if (id === callId) liveRef.current?.peer.handleSignal(signal);
		});
		socket.on("call:peer-rejoining", ({ callId: id }) => {
			const live = liveRef.current;
			if (id !== callId || !live) return;
			live.peer = live.peer.renew();
			watch(live.peer);
			setScreen((s) => (s.kind === "live" ? { ...s, peer: live.peer } : s));
		});
	}

	function showCall(call: CallView, agentId: string): void {
		if (call.status === "queued") setScreen({ kind: "ringing", call });
		else if (call.status === "active") setScreen({ kind: "over", message: call.agent?.id === agentId ? t("yoursElsewhere") : t("taken", { name: call.agent?.name ?? "" }) });
		else setScreen({ kind: "over", message: t("over") });
	}

	/** A connection that cannot be made (ICE failed): said so, with the browser link. */
	function watch(peer: CallPeer): void {
		peer.pc.addEventListener("connectionstatechange", () => {
			if (peer.pc.connectionState === "failed") setProblem(t("cannotConnect"));
			else if (peer.pc.connectionState === "connected") setProblem(null);
			setTick((n) => n + 1);
		});
	}

	async function accept(call: CallView): Promise<void> {
		const socket = socketRef.current;
		if (!socket) return;
		setProblem(null);
		setScreen({ kind: "accepting", call });
		// The one capture of the whole call. Refused or impossible: the call is not claimed and keeps ringing.
		let stream: MediaStream;
		try {
			if (typeof navigator.mediaDevices?.getUserMedia !== "function") throw new Error("no getUserMedia");
			stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: camera });
		} catch (error) {
			console.warn("destek: this WebView cannot capture", error);
			setProblem(t("cannotCapture"));
			setScreen({ kind: "ringing", call });
			return;
		}
		let accepted: { call: CallView; iceServers: IceServer[] };
		try {
			accepted = await request(socket, "call:accept", { callId: call.id });
		} catch (error) {
			for (const track of stream.getTracks()) track.stop();
			setScreen({ kind: "over", message: error instanceof Error ? error.message : t("failed") });
			return;
		}
		const peer = new CallPeer({
			iceServers: accepted.iceServers,
			role: "offerer",
			sendSignal: (signal) => socket.emit("call:signal", { callId: call.id, signal }, () => {}),
			reportVideo: () => socket.emit("call:media", { callId: call.id, video: true }, () => {}),
		});
		peer.singleCapture = true;
		watch(peer);
		const recording = accepted.call.recording === "off" ? null : prepareRecording(accepted.call.recording, accepted.iceServers);
		liveRef.current = { peer, recording };
		setScreen({ kind: "live", call: accepted.call, peer });
		peer.start(stream);
		recording?.start(peer, (sdp) => request(socket, "call:record", { callId: call.id, sdp }).then((answer) => answer.sdp));
	}

	function reject(call: CallView): void {
		const socket = socketRef.current;
		if (!socket) return;
		request(socket, "call:reject", { callId: call.id }).then(
			() => setScreen({ kind: "over", message: t("rejected") }),
			(error: unknown) => setScreen({ kind: "over", message: error instanceof Error ? error.message : t("failed") }),
		);
	}

	function hangUp(call: CallView): void {
		const socket = socketRef.current;
		if (!socket) return;
		request(socket, "call:hangup", { callId: call.id }).catch(logFailure("hanging up"));
		liveRef.current?.recording?.stop();
		liveRef.current?.peer.close();
		liveRef.current = null;
		setScreen({ kind: "over", message: t("over") });
	}

	const browser = browserLink && (
		<a class="miniapp-browser" href={browserLink} target="_blank" rel="noopener noreferrer" onClick={(event) => openInBrowser(event, browserLink)}>
			{t("acceptInBrowser")}
		</a>
	);
	const problemNote = problem && (
		<div class="miniapp-problem" role="alert">
			<p>{problem}</p>
			{browser}
		</div>
	);

	return (
		<main class="miniapp">
			{screen.kind === "starting" && <p>{t("starting")}</p>}
			{screen.kind === "refused" && (
				<p class="miniapp-problem" role="alert">
					{screen.message}
				</p>
			)}
			{(screen.kind === "ringing" || screen.kind === "accepting") && (
				<>
					<h1>{t("calling", { name: screen.call.visitor.name })}</h1>
					<p>{t(screen.call.media === "video" ? "video" : "audio")}</p>
					{problemNote}
					<label>
						<input type="checkbox" checked={camera} onChange={(event) => setCamera(event.currentTarget.checked)} /> {t("cameraOn")}
					</label>
					<div class="miniapp-actions">
						<button type="button" class="miniapp-accept" disabled={screen.kind === "accepting"} onClick={() => accept(screen.call).catch(logFailure("accepting the call"))}>
							{t("accept")}
						</button>
						<button type="button" disabled={screen.kind === "accepting"} onClick={() => reject(screen.call)}>
							{t("reject")}
						</button>
						{!problem && browser}
					</div>
				</>
			)}
			{screen.kind === "live" && (
				<>
					{problemNote}
					<CallScreen
						peer={screen.peer}
						title={screen.call.visitor.name}
						answeredAt={screen.call.answeredAt}
						recording={screen.call.recording !== "off"}
						t={callT}
						onHangUp={() => hangUp(screen.call)}
					/>
				</>
			)}
			{screen.kind === "over" && (
				<p class="miniapp-over" role="status">
					{screen.message}
				</p>
			)}
		</main>
	);
}
