import { useEffect, useRef } from "preact/hooks";
import { formatDuration } from "../../../../shared/call/callPeer";
import type { CallScreen as CallScreenComponent } from "../../../../shared/call/CallScreen";
import { callState, dismissCall, hangUp, startCall } from "../chat/callStore";
import { describeError, useI18n } from "../i18n";
import { useStore } from "../state/store";
import { logFailure } from "../../../../shared/logFailure";
import { lazyPart } from "./lazyPart";

/**
 * The live call's screen (controls, devices, its styles) is most of the call's code: only visitors
 * who call download it, from the moment they press Call (or a reload finds their call).
 */
const useCallScreen = lazyPart<typeof CallScreenComponent>("call screen", () =>
	import("../../../../shared/call/CallScreen").then((module) => module.CallScreen),
);

/** Back to the chat with the cursor in the message box, for a caller nobody answered. */
function leaveMessage(): void {
	document.querySelector<HTMLTextAreaElement>(".composer-text")?.focus();
	dismissCall();
}

/**
 * "This call will be recorded": the caller agrees (focus starts there) or cancels before anything is
 * sent. Agreeing names the mode shown, which the server checks against the mode it records in.
 */
function Consent({ recording }: { recording: "audio" | "audio+video" }) {
	const { t } = useI18n();
	const agree = useRef<HTMLButtonElement>(null);
	useEffect(() => agree.current?.focus(), []);
	return (
		<div class="call-note" role="alertdialog" aria-labelledby="call-consent">
			<p id="call-consent" class="call-recorded">
				{t(recording === "audio+video" ? "call.consentVideo" : "call.consentAudio")}
			</p>
			<button ref={agree} type="button" class="call-button call-accept" onClick={() => startCall(recording).catch(logFailure("starting the call"))}>
				{t("call.agree")}
			</button>
			<button type="button" class="call-button" onClick={dismissCall}>
				{t("call.cancel")}
			</button>
		</div>
	);
}

/**
 * The visitor's call, above the conversation: the recording consent, queue place, the live call,
 * or how it ended.
 */
export function CallPanel() {
	const { t } = useI18n();
	const { phase, consentMode, call, position, peer, error } = useStore(callState);
	const CallScreen = useCallScreen(phase !== "idle");
	if (error) {
		return (
			<div class="call-note" role="alert">
				<p>{describeError(error, t)}</p>
				<button type="button" class="link-button" onClick={dismissCall}>
					{t("call.dismiss")}
				</button>
			</div>
		);
	}
	if (phase === "confirm" && consentMode) return <Consent recording={consentMode} />;
	const recorded = call && call.recording !== "off" && <p class="call-recorded">{t("call.recorded")}</p>;
	if (phase === "active" && peer && call && !CallScreen) {
		return (
			<div class="call-note" role="status">
				<p>{t("call.connecting")}</p>
				<button type="button" class="call-button call-hangup" onClick={hangUp}>
					{t("call.hangUp")}
				</button>
			</div>
		);
	}
	if (phase === "active" && peer && call && CallScreen) {
		return (
			<div class="call-panel">
				<CallScreen
					peer={peer}
					title={call.agent?.name ?? t("chat.agent")}
					answeredAt={call.answeredAt}
					recording={call.recording !== "off"}
					t={t}
					onHangUp={hangUp}
				/>
			</div>
		);
	}
	if (phase === "starting" || phase === "queued") {
		return (
			<div class="call-note" role="status">
				{recorded}
				<p>{phase === "queued" ? t("call.waiting", { position }) : t("call.starting")}</p>
				<button type="button" class="call-button call-hangup" onClick={hangUp}>
					{t("call.hangUp")}
				</button>
			</div>
		);
	}
	if (phase === "ended" && call) {
		const answered = call.answeredAt !== null;
		return (
			<div class="call-note" role="status">
				<p>{answered ? t("call.ended", { duration: formatDuration(call.durationMs ?? 0) }) : t("call.missed")}</p>
				<button type="button" class="link-button" onClick={answered ? dismissCall : leaveMessage}>
					{t(answered ? "call.dismiss" : "call.leaveMessage")}
				</button>
			</div>
		);
	}
	return null;
}
