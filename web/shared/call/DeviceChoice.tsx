import { useEffect, useState } from "preact/hooks";
import type { Translate } from "../i18n";
import type { CallPeer } from "./callPeer";
import type { CallKey } from "./i18n";

// The microphone and the speaker of a call, chosen in the call screen. A microphone that goes away
// (a headset unplugged) hands the call to the system's default one, so the call keeps going.

/**
 * Sends another microphone (a device id, or the system's default for null) in place of the
 * current one, on the same sender, without renegotiating; mute is kept; the recording follows.
 * Rejects when the browser refuses it.
 */
async function switchMicrophone(peer: CallPeer, deviceId: string | null): Promise<void> {
	const stream = await navigator.mediaDevices.getUserMedia({ audio: deviceId ? { deviceId: { exact: deviceId } } : true });
	const track = stream.getAudioTracks()[0];
	if (!track) return;
	const old = peer.microphone;
	track.enabled = old?.enabled ?? true;
	peer.local ??= new MediaStream();
	if (old) {
		peer.local.removeTrack(old);
		old.stop();
	}
	peer.local.addTrack(track);
	const sender = peer.pc.getTransceivers().find((t) => t.receiver.track.kind === "audio")?.sender;
	await sender?.replaceTrack(track);
	peer.onLocalAudio?.(track);
	peer.onChange();
}

/** Where the browser lets a page choose the speaker (Chromium, Edge; not Safari or Firefox on phones). */
const canChooseSpeaker = typeof HTMLMediaElement !== "undefined" && "setSinkId" in HTMLMediaElement.prototype;

async function listDevices(): Promise<MediaDeviceInfo[]> {
	return (await navigator.mediaDevices?.enumerateDevices?.()) ?? [];
}

export function DeviceChoice({
	peer,
	audio,
	t,
	onMicrophone,
}: {
	peer: CallPeer;
	/** The `<audio>` element that plays the other side. */
	audio: { current: HTMLAudioElement | null };
	t: Translate<CallKey>;
	/** After a microphone change: the call screen re-applies mute to the new track. */
	onMicrophone: () => void;
}) {
	const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
	const [speaker, setSpeaker] = useState("");
	const microphone = peer.microphone;
	const micId = microphone?.getSettings().deviceId ?? "";

	const useMicrophone = (deviceId: string | null) => {
		switchMicrophone(peer, deviceId).then(onMicrophone, (error: unknown) => console.warn("destek: could not switch the microphone", error));
	};

	useEffect(() => {
		let live = true;
		const refresh = async () => {
			const found = await listDevices();
			if (!live) return;
			setDevices(found);
			// The microphone in use was unplugged: carry on with the default one.
			const mic = peer.microphone;
			const gone = mic && (mic.readyState === "ended" || !found.some((d) => d.kind === "audioinput" && d.deviceId === mic.getSettings().deviceId));
			if (gone) useMicrophone(null);
		};
		const changed = () => {
			refresh().catch(() => {});
		};
		changed();
		navigator.mediaDevices?.addEventListener?.("devicechange", changed);
		// A track whose device vanished ends; some browsers say so before any devicechange.
		microphone?.addEventListener("ended", changed);
		return () => {
			live = false;
			navigator.mediaDevices?.removeEventListener?.("devicechange", changed);
			microphone?.removeEventListener("ended", changed);
		};
	}, [peer, microphone]);

	const inputs = devices.filter((d) => d.kind === "audioinput" && d.deviceId);
	const outputs = devices.filter((d) => d.kind === "audiooutput" && d.deviceId);
	const label = (d: MediaDeviceInfo, i: number) => d.label || `${d.kind === "audioinput" ? t("call.microphone") : t("call.speaker")} ${i + 1}`;
	return (
		<div class="call-devices">
			<label class="call-device">
				<span>{t("call.microphone")}</span>
				<select value={micId} disabled={inputs.length === 0} onChange={(e) => useMicrophone(e.currentTarget.value || null)}>
					{!microphone && <option value="">{t("call.micNone")}</option>}
					{inputs.map((d, i) => (
						<option key={d.deviceId} value={d.deviceId}>
							{label(d, i)}
						</option>
					))}
				</select>
			</label>
			{canChooseSpeaker && outputs.length > 0 && (
				<label class="call-device">
					<span>{t("call.speaker")}</span>
					<select
						value={speaker}
						onChange={(e) => {
							const id = e.currentTarget.value;
							const element = audio.current as (HTMLAudioElement & { setSinkId(id: string): Promise<void> }) | null;
							element?.setSinkId(id).then(
								() => setSpeaker(id),
								(error: unknown) => console.warn("destek: could not switch the speaker", error),
							);
						}}
					>
						{outputs.map((d, i) => (
							<option key={d.deviceId} value={d.deviceId === "default" ? "" : d.deviceId}>
								{label(d, i)}
							</option>
						))}
					</select>
				</label>
			)}
		</div>
	);
}
