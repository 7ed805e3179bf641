import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from "preact/hooks";
import type { Translate } from "../i18n";
import { logFailure } from "../logFailure";
import { CallIcon, type CallIconName } from "./CallIcons";
import { type CallPeer, formatDuration } from "./callPeer";
import { type CallQuality, QualityMeter } from "./callQuality";
import { DeviceChoice } from "./DeviceChoice";
import type { CallKey } from "./i18n";
import "./call.css";

export type { CallKey };

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
 * Plays the other side's audio in an `<audio>` element. A page opened without a click (a console
 * opened from a link in Telegram) may be refused unmuted autoplay: `blocked` is then true until
 * `play`, called from a tap, succeeds. Never silent without saying so.
 */
function useRemoteAudio(stream: MediaStream | null) {
	const ref = useRef<HTMLAudioElement>(null);
	const [blocked, setBlocked] = useState(false);
	const play = useCallback(() => {
		ref.current?.play().then(
			() => setBlocked(false),
			(error: unknown) => {
				if (!(error instanceof DOMException && error.name === "NotAllowedError")) return;
				console.warn("destek: the browser blocks the call's sound until the page is tapped");
				setBlocked(true);
			},
		);
	}, []);
	useEffect(() => {
		if (!ref.current) return;
		ref.current.srcObject = stream;
		if (stream) play();
	}, [stream, play]);
	return { ref, blocked, play };
}

// Phones have no getDisplayMedia: no Share screen button there.
const canShareScreen = typeof navigator.mediaDevices?.getDisplayMedia === "function";

/** True while the element is the document's fullscreen element. */
function useFullscreen(ref: { current: Element | null }): boolean {
	const [full, setFull] = useState(false);
	useEffect(() => {
		const update = () => setFull(document.fullscreenElement === ref.current && ref.current !== null);
		document.addEventListener("fullscreenchange", update);
		return () => document.removeEventListener("fullscreenchange", update);
	}, [ref]);
	return full;
}

/**
 * A live call: the other side's audio (and video when their camera is on), a self view while our
 * camera or screen is sent, timer, connection quality, recording indicator, and the controls: Mute
 * (or, in intercom mode, Hold to talk), Camera, Speaker, Intercom, Share screen, Full screen,
 * Picture in picture and Hang up, each an icon named by its label (aria-label, and title for a
 * pointer). `compact` keeps only the title, timer, Mute and Hang up on screen (a minimised call);
 * everything stays mounted, so the sound plays on.
 */
export function CallScreen({
	peer,
	title,
	answeredAt,
	recording,
	t,
	onHangUp,
	compact = false,
	children,
}: {
	peer: CallPeer;
	title: string;
	answeredAt: string | null;
	/** Shows the "Recording" indicator. */
	recording: boolean;
	t: Translate<CallKey>;
	onHangUp: () => void;
	/** Minimised: the other side's video, the self view and the device choice are hidden. */
	compact?: boolean;
	/** Shown in the screen's top corner (the console's Minimise call button). */
	children?: ComponentChildren;
}) {
	const [, changed] = useReducer((n: number) => n + 1, 0);
	const [muted, setMuted] = useState(false);
	const [speakerOff, setSpeakerOff] = useState(false);
	// Intercom (push-to-talk): the microphone opens only while Talk is held, and the other side is
	// silenced meanwhile, so a speakerphone never feeds them their own voice back.
	const [intercom, setIntercom] = useState(false);
	const [talking, setTalking] = useState(false);
	const [quality, setQuality] = useState<CallQuality | null>(null);
	const [videoBusy, setVideoBusy] = useState(false);
	const timer = useCallTimer(answeredAt);
	const section = useRef<HTMLElement>(null);
	const full = useFullscreen(section);
	const remote = useVideo(peer.remoteStream);
	const heard = useRemoteAudio(peer.remoteAudio);
	const sent = peer.localVideo;
	const self = useVideo(useMemo(() => (sent ? new MediaStream([sent]) : null), [sent]));
	const micOpen = intercom ? talking : !muted;
	const silenced = speakerOff || (intercom && micOpen);

	useEffect(() => {
		peer.onChange = () => changed(undefined);
		// Round trip, loss and jitter rated for the screen; on a poor link the video pauses so the voice gets through.
		const meter = new QualityMeter();
		const poll = setInterval(() => {
			if (peer.pc.connectionState !== "connected") return;
			meter
				.read(peer.pc)
				.then((quality) => {
					setQuality(quality);
					return meter.spareVideo(peer.pc, quality.level === "poor");
				})
				.catch(logFailure("reading the call's quality"));
		}, QUALITY_EVERY_MS);
		return () => {
			clearInterval(poll);
			peer.onChange = () => {};
		};
	}, [peer]);

	useEffect(() => peer.setMuted(!micOpen), [peer, micOpen]);
	useEffect(() => {
		if (heard.ref.current) heard.ref.current.muted = silenced;
	}, [silenced, heard.ref]);

	/** Runs a camera or screen change, one at a time. */
	const video = (change: Promise<void>) => {
		setVideoBusy(true);
		change.catch(() => {}).finally(() => setVideoBusy(false));
	};
	const talk = (on: boolean) => (event: Event) => {
		if (event instanceof KeyboardEvent && event.key !== " ") return;
		event.preventDefault();
		setTalking(on);
	};
	const connected = peer.pc.connectionState === "connected";
	const link = peer.link;
	const button = (label: string, icon: CallIconName, onClick: () => void, pressed?: boolean, disabled?: boolean, extraClass = "") => (
		<button
			type="button"
			class={`call-button call-icon-button ${extraClass}`}
			aria-label={label}
			title={label}
			aria-pressed={pressed}
			disabled={disabled}
			onClick={onClick}
		>
			<CallIcon name={icon} />
		</button>
	);
	const classes = ["call", peer.remoteVideo && "call-video", compact && "call-compact", children && "call-cornered"].filter(Boolean).join(" ");
	return (
		<section ref={section} class={classes} aria-label={title}>
			{children && <div class="call-corner">{children}</div>}
			<div class="call-stage">
				{/* biome-ignore lint/a11y/useMediaCaption: a live call has no captions to offer. */}
				<audio ref={heard.ref} class="call-remote-audio" autoplay />
				{/* Muted: the <audio> element above plays the sound; this one only shows the camera. */}
				<video ref={remote} class="call-remote" autoplay playsInline muted />
				{heard.blocked && (
					<button type="button" class="call-hear" onClick={heard.play}>
						{t(peer.role === "offerer" ? "call.tapToHear" : "call.tapToHearAgent")}
					</button>
				)}
				{sent && <video ref={self} class={peer.screen ? "call-self" : "call-self call-mirror"} autoplay playsInline muted />}
				<div class="call-info">
					<p class="call-title">{title}</p>
					<p class="call-meta">
						{recording && <span class="call-rec">{t("call.recording")} · </span>}
						<span role="timer">{timer}</span>
						{" · "}
						{link === "reconnecting" || link === "back" ? (
							<span class={`call-link call-link-${link}`}>{t(link === "back" ? "call.back" : "call.reconnecting")}</span>
						) : connected && quality ? (
							<span
								class={`call-quality call-quality-${quality.level}`}
								title={t("call.stats", { rtt: quality.rtt, loss: quality.loss, jitter: quality.jitter, kbps: quality.kbps })}
							>
								{t(`call.quality.${quality.level}`)}
							</span>
						) : (
							<span>{connected ? "…" : t("call.connecting")}</span>
						)}
					</p>
					{!peer.microphone && (
						<p class="call-mic-blocked" role="alert">
							{t("call.micBlocked")}
						</p>
					)}
				</div>
			</div>
			{!peer.singleCapture && <DeviceChoice peer={peer} audio={heard.ref} t={t} onMicrophone={() => peer.setMuted(!micOpen)} />}
			<fieldset class="call-controls">
				<legend class="visually-hidden">{t("call.controls")}</legend>
				{intercom ? (
					<button
						type="button"
						class="call-button call-talk"
						aria-pressed={talking}
						onPointerDown={(event) => {
							event.currentTarget.setPointerCapture(event.pointerId);
							setTalking(true);
						}}
						onPointerUp={talk(false)}
						onPointerCancel={talk(false)}
						onKeyDown={talk(true)}
						onKeyUp={talk(false)}
						onBlur={() => setTalking(false)}
						onContextMenu={(event) => event.preventDefault()}
					>
						{t("call.talk")}
					</button>
				) : (
					button(t(muted ? "call.unmute" : "call.mute"), muted ? "micOff" : "mic", () => setMuted(!muted), undefined, undefined, "call-mute")
				)}
				{/* Each icon shows what pressing does: "Camera on" shows the camera, "Camera off" it struck through. */}
				{(!peer.singleCapture || peer.camera || peer.parkedCamera) &&
					button(t(peer.camera ? "call.cameraOff" : "call.cameraOn"), peer.camera ? "cameraOff" : "camera", () => video(peer.setCamera(!peer.camera)), undefined, videoBusy)}
				{button(t(speakerOff ? "call.speakerOn" : "call.speakerOff"), speakerOff ? "speaker" : "speakerOff", () => setSpeakerOff(!speakerOff))}
				{button(t("call.intercom"), "intercom", () => {
					setTalking(false);
					setIntercom(!intercom);
				}, intercom)}
				{canShareScreen &&
					!peer.singleCapture &&
					button(t(peer.screen ? "call.stopSharing" : "call.shareScreen"), peer.screen ? "screenOff" : "screen", () => video(peer.setScreen(!peer.screen)), undefined, videoBusy)}
				{document.fullscreenEnabled &&
					button(t(full ? "call.exitFullscreen" : "call.fullscreen"), full ? "exitFullscreen" : "fullscreen", () => {
						(full ? document.exitFullscreen() : section.current?.requestFullscreen())?.catch(() => {});
					})}
				{document.pictureInPictureEnabled &&
					peer.remoteVideo &&
					button(t("call.pip"), "pip", () => {
						(document.pictureInPictureElement ? document.exitPictureInPicture() : remote.current?.requestPictureInPicture())?.catch(() => {});
					})}
				{button(t("call.hangUp"), "hangUp", onHangUp, undefined, undefined, "call-hangup")}
			</fieldset>
		</section>
	);
}
