import { formatDuration } from "../../../../shared/call/callPeer";
import { CallScreen } from "../../../../shared/call/CallScreen";
import { callState, dismissCall, hangUp } from "../chat/callStore";
import { describeError, useI18n } from "../i18n";
import { useStore } from "../state/store";

/** The visitor's call, above the conversation: queue place, the live call, or how it ended. */
export function CallPanel() {
	const { t } = useI18n();
	const { phase, call, position, peer, error } = useStore(callState);
	if (error) {
		return (
			<div class="call-note" role="alert">
				<p>{error.message || describeError(error, t)}</p>
				<button type="button" class="link-button" onClick={dismissCall}>
					{t("call.dismiss")}
				</button>
			</div>
		);
	}
	const recorded = call && call.recording !== "off" && <p class="call-recorded">{t("call.recorded")}</p>;
	if (phase === "active" && peer && call) {
		return (
			<div class="call-panel">
				<CallScreen peer={peer} title={call.agent?.name ?? t("chat.agent")} answeredAt={call.answeredAt} t={t} onHangUp={hangUp}>
					{recorded}
				</CallScreen>
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
		return (
			<div class="call-note" role="status">
				<p>
					{call.answeredAt
						? t("call.ended", { duration: formatDuration(call.durationMs ?? 0) })
						: t("call.missed")}
				</p>
				<button type="button" class="link-button" onClick={dismissCall}>
					{t("call.dismiss")}
				</button>
			</div>
		);
	}
	return null;
}
