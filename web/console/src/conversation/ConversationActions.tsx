import { useState } from "preact/hooks";
import type { ConversationStatus, ConversationSummary } from "../api/inboxTypes";
import { describeError } from "../errors/describeError";
import { useI18n } from "../i18n";
import { useInbox } from "../inbox/InboxContext";
import { Button } from "../ui/Button";
import { showToast } from "../ui/toasts";
import { LabelsMenu } from "../labels/LabelsMenu";
import { AssignMenu } from "./AssignMenu";

/** The status changes offered from each status; the first one is the main action. */
const STATUS_ACTIONS: Record<ConversationStatus, ConversationStatus[]> = {
	open: ["resolved", "pending"],
	pending: ["resolved", "open"],
	resolved: ["open"],
};

/** Assign to me, the assign menu, the labels menu, and Resolve / Reopen / Mark pending. Failures show as a toast. */
export function ConversationActions({ conversation }: { conversation: ConversationSummary }) {
	const { t } = useI18n();
	const inbox = useInbox();
	const [busy, setBusy] = useState(false);

	async function run(task: () => Promise<void>) {
		setBusy(true);
		try {
			await task();
		} catch (error) {
			showToast(describeError(error, t));
		} finally {
			setBusy(false);
		}
	}

	const label = (status: ConversationStatus) =>
		status === "resolved" ? t("actions.resolve") : status === "pending" ? t("actions.markPending") : t("actions.reopen");

	return (
		<div class="conversation-actions">
			{conversation.assignee?.id !== inbox.agent.id && (
				<Button busy={busy} class="button-compact" shortcut="assignToMe" onClick={() => run(() => inbox.assign(conversation.id, inbox.agent.id))}>
					{t("actions.assignToMe")}
				</Button>
			)}
			<AssignMenu conversation={conversation} onAssign={(agentId) => run(() => inbox.assign(conversation.id, agentId))} />
			<LabelsMenu conversation={conversation} />
			{STATUS_ACTIONS[conversation.status].map((status, index) => (
				<Button
					key={status}
					variant={index === 0 ? "primary" : "secondary"}
					class="button-compact"
					busy={busy}
					shortcut={status === "resolved" ? "resolve" : undefined}
					onClick={() => run(() => inbox.setStatus(conversation.id, status))}
				>
					{label(status)}
				</Button>
			))}
		</div>
	);
}
