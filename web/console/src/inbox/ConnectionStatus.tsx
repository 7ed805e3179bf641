import { useI18n } from "../i18n";
import { useStore } from "../state/store";
import { useInbox } from "./InboxContext";

/** A small live marker: nothing while connected, "Connecting…"/"Reconnecting…" otherwise. */
export function ConnectionStatus() {
	const { t } = useI18n();
	const state = useStore(useInbox().connection, (value) => value.state);
	return (
		<p class="connection-status" role="status" data-state={state}>
			{state === "connecting" && t("connection.connecting")}
			{state === "offline" && t("connection.offline")}
		</p>
	);
}
