import { discardMessage, type PendingMessage as Pending, retryMessage } from "../chat/chatStore";
import { useI18n } from "../i18n";
import { FailureNote } from "./FailureNote";
import { ClockIcon } from "./icons";
import { MessageBubble } from "./MessageBubble";

/** A message in the outbox: "Sending…", or the reason it was refused with Retry and Remove. */
export function PendingMessage({ pending }: { pending: Pending }) {
	const { t } = useI18n();
	const { clientId, error } = pending;
	const meta = error ? (
		<FailureNote error={error} onRetry={() => retryMessage(clientId)} onRemove={() => discardMessage(clientId)} />
	) : (
		<span class="message-status">
			<ClockIcon />
			{t("message.sending")}
		</span>
	);
	return <MessageBubble own pending body={pending.body} attachments={pending.attachments} meta={meta} />;
}
