import { discardMessage, type PendingMessage as Pending, retryMessage } from "../chat/chatStore";
import { describeError, useI18n } from "../i18n";
import { ClockIcon } from "./icons";
import { MessageBubble } from "./MessageBubble";

/** A message in the outbox: "Sending…", or the reason it was refused with Retry and Remove. */
export function PendingMessage({ pending }: { pending: Pending }) {
	const { t } = useI18n();
	const meta = pending.error ? (
		<span class="message-error" role="alert">
			{describeError(pending.error, t)}
			<button type="button" class="link-button" onClick={() => retryMessage(pending.clientId)}>
				{t("message.retry")}
			</button>
			<button type="button" class="link-button" onClick={() => discardMessage(pending.clientId)}>
				{t("message.remove")}
			</button>
		</span>
	) : (
		<span class="message-status">
			<ClockIcon />
			{t("message.sending")}
		</span>
	);
	return <MessageBubble own pending body={pending.body} attachments={pending.attachments} meta={meta} />;
}
