import type { ComponentChildren } from "preact";
import { useEffect, useMemo, useReducer, useRef, useState } from "preact/hooks";
import type { Translate } from "../i18n";
import { type CallPeer, type CallQuality, formatDuration } from "./callPeer";
import "./call.css";

/** The strings the call screen needs; both the widget and the console dictionaries define them. */
export type CallKey =
	| "call.mute"
	| "call.unmute"
	| "call.cameraOn"
	| "call.cameraOff"
	| "call.speakerOff"
	| "call.speakerOn"
	| "call.hangUp"
	| "call.connecting"
	| "call.quality.good"
	| "call.quality.fair"
	| "call.quality.poor"
	| "call.stats"
	| "call.controls";

const QUALITY_EVERY_MS = 2_000;

/** Seconds since `answeredAt`, ticking. */
export function useCallTimer(answeredAt: string | null): string {
	const [, tick] = useReducer((n: number) => n + 1, 0);
	useEffect(() => {
		const timer = setInterval(() => tick(undefined), 1000);
		return () => clearInterval(timer);
	}, []);
	return formatDuration(answeredAt ? Date.now() - Date.parse(answeredAt) : 0);
}

function useVideo(stream: MediaStream | null) {
	const ref = useRef<HTMLVideoElement>(null);
	useEffect(() => {
		if (ref.current) ref.current.srcObject = stream;
	}, [stream]);
	return ref;
}

/**
 * A live call: the other side's audio (and video when their camera is on), a self view while ours
 * is on, timer, connection quality, and Mute / Camera / Speaker / Hang up.
 */
export function CallScreen({
	peer,
	title,
	answeredAt,
	t,
	onHangUp,
	children,
}: {
	peer: CallPeer;
	title: string;
	answeredAt: string | null;
	t: Translate<CallKey>;
	onHangUp: () => void;
	children?: ComponentChildren;
}) {
	const [, changed] = useReducer((n: number) => n + 1, 0);
	const [muted, setMuted] = useState(false);
	const [speakerOff, setSpeakerOff] = useState(false);
	const [quality, setQuality] = useState<CallQuality | null>(null);
	const [cameraBusy, setCameraBusy] = useState(false);
	const timer = useCallTimer(answeredAt);
	const remote = useVideo(peer.remoteStream);
	const camera = peer.camera;
	const self = useVideo(useMemo(() => (camera ? new MediaStream([camera]) : null), [camera]));

	useEffect(() => {
		peer.onChange = () => changed(undefined);
		const poll = setInterval(() => {
			if (peer.pc.connectionState === "connected") void peer.quality().then(setQuality, () => {});
		}, QUALITY_EVERY_MS);
		return () => {
			clearInterval(poll);
			peer.onChange = () => {};
		};
	}, [peer]);

	useEffect(() => {
		if (remote.current) remote.current.muted = speakerOff;
	}, [speakerOff, remote]);

	const toggleCamera = () => {
		setCameraBusy(true);
		peer
			.setCamera(!peer.camera)
			.catch(() => {})
			.finally(() => setCameraBusy(false));
	};
	const connected = peer.pc.connectionState === "connected";
	return (
		<section class={peer.remoteVideo ? "call call-video" : "call"} aria-label={title}>
			<div class="call-stage">
				{/* biome-ignore lint/a11y/useMediaCaption: a live call has no captions to offer. */}
				<video ref={remote} class="call-remote" autoplay playsInline />
				{peer.camera && <video ref={self} class="call-self" autoplay playsInline muted />}
				<div class="call-info">
					<p class="call-title">{title}</p>
					<p class="call-meta">
						<span role="timer">{timer}</span>
						{" · "}
						{connected && quality ? (
							<span
								class={`call-quality call-quality-${quality.level}`}
								title={t("call.stats", { rtt: quality.rtt, loss: quality.loss, kbps: quality.kbps })}
							>
								{t(`call.quality.${quality.level}`)}
							</span>
						) : (
							<span>{connected ? "…" : t("call.connecting")}</span>
						)}
					</p>
					{children}
				</div>
			</div>
			<fieldset class="call-controls">
				<legend class="visually-hidden">{t("call.controls")}</legend>
				<button
					type="button"
					class="call-button"
					onClick={() => {
						peer.setMuted(!muted);
						setMuted(!muted);
					}}
				>
					{t(muted ? "call.unmute" : "call.mute")}
				</button>
				<button type="button" class="call-button" disabled={cameraBusy} onClick={toggleCamera}>
					{t(peer.camera ? "call.cameraOff" : "call.cameraOn")}
				</button>
				<button type="button" class="call-button" onClick={() => setSpeakerOff(!speakerOff)}>
					{t(speakerOff ? "call.speakerOn" : "call.speakerOff")}
				</button>
				<button type="button" class="call-button call-hangup" onClick={onHangUp}>
					{t("call.hangUp")}
				</button>
			</fieldset>
		</section>
	);
}
