import { useId } from "preact/hooks";
import type { AgentStatus } from "../api/inboxTypes";
import { describeError } from "../errors/describeError";
import { useI18n } from "../i18n";
import { useInbox } from "../inbox/InboxContext";
import { useStore } from "../state/store";
import { showToast } from "../ui/toasts";

const STATUSES: AgentStatus[] = ["online", "away", "offline"];

/**
 * The agent's own status in the top bar, named "Availability": online takes conversations and calls
 * (with the console open), away and offline do not. The dot shows it at a glance.
 */
export function StatusSelect() {
	const { t } = useI18n();
	const inbox = useInbox();
	const id = useId();
	const mine = useStore(inbox.presence, (state) => state.byAgent[inbox.agent.id]);
	const status = mine?.status ?? "online";
	return (
		<div class="status-select">
			<span class={`presence presence-${status}`} aria-hidden="true" />
			<label for={id} class="visually-hidden">
				{t("status.label")}
			</label>
			<select
				id={id}
				value={status}
				onChange={(event) => {
					const next = event.currentTarget.value as AgentStatus;
					inbox.setMyStatus(next).catch((error: unknown) => showToast(describeError(error, t) || t("status.changeFailed")));
				}}
			>
				{STATUSES.map((option) => (
					<option key={option} value={option}>
						{t(`status.${option}`)}
					</option>
				))}
			</select>
		</div>
	);
}
