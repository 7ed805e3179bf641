import { callState, startCall } from "../chat/callStore";
import { chatState } from "../chat/chatStore";
import { frameOptions } from "../frameOptions";
import { postToHost } from "../host/hostBridge";
import { describeError, useI18n } from "../i18n";
import { useStore } from "../state/store";
import { identityState } from "../visitorIdentity";
import { widgetConfig } from "../widgetConfig";
import { CloseIcon, PhoneIcon } from "./icons";
import { logFailure } from "../../../../shared/logFailure";

/** Title, whether anyone is online, and (inside a page) the button that closes the panel. */
export function Header() {
	const { t } = useI18n();
	const { agentsOnline, callsAvailable, connection, refusal } = useStore(chatState);
	const { required: signInRequired } = useStore(identityState);
	const config = useStore(widgetConfig);
	const online = agentsOnline ?? config?.agentsOnline ?? false;
	const { phase } = useStore(callState);
	return (
		<header class="header">
			<div class="header-text">
				<h1 class="header-title">{t("header.title")}</h1>
				<p class="header-status">
					<span class={online ? "status-dot status-online" : "status-dot"} aria-hidden="true" />
					{online ? t("header.online") : t("header.away")}
				</p>
			</div>
			{/* While nobody could answer, no Call: the caller would agree to recording and ring for nobody. */}
			{callsAvailable !== false && config?.callsEnabled !== false && <button
				type="button"
				class="icon-button"
				onClick={() => startCall().catch(logFailure("starting the call"))}
				disabled={connection !== "connected" || phase === "starting" || phase === "queued" || phase === "active"}
				aria-label={t("header.call")}
				title={t("header.call")}
			>
				<PhoneIcon />
			</button>}
			{frameOptions.embedded && (
				<button
					type="button"
					class="icon-button header-close"
					onClick={() => postToHost({ type: "destek:close" })}
					aria-label={t("header.close")}
				>
					<CloseIcon />
				</button>
			)}
			{connection === "disconnected" && (
				<p class="connection-banner" role="status">
					{signInRequired
						? t("chat.signInRequired")
						: refusal
							? describeError({ id: refusal.id, retryAfterMs: Math.max(0, refusal.retryAt - Date.now()) }, t)
							: t("chat.reconnecting")}
				</p>
			)}
		</header>
	);
}
