import { describeError } from "../errors/describeError";
import { ApiError } from "../api/http";
import { useI18n } from "../i18n";
import { useInbox } from "../inbox/InboxContext";
import { Icon } from "../ui/Icon";
import type { OutboxItem } from "./outbox";

/** A reply still in the outbox: "Sending…", or the server's refusal with Retry and Discard. */
export function PendingMessage({ item }: { item: OutboxItem }) {
	const { t } = useI18n();
	const { sender } = useInbox();
	const failure = item.failure;
	return (
		<li class={failure ? "message message-agent message-failed" : "message message-agent message-pending"}>
			<div class="bubble">
				{item.body && <p class="message-body">{item.body}</p>}
				{item.attachments.length > 0 && (
					<ul class="pending-attachments">
						{item.attachments.map((attachment) => (
							<li key={attachment.id}>
								<Icon name="file" />
								{attachment.fileName}
							</li>
						))}
					</ul>
				)}
				{!failure && (
					<p class="message-meta">
						<Icon name="clock" />
						<span>{t("message.sending")}</span>
					</p>
				)}
			</div>
			{failure && (
				<div class="message-failure" role="alert">
					<Icon name="alert" />
					<span>{t("message.notSent", { reason: describeError(new ApiError(0, failure.id, failure.message), t) })}</span>
					<button type="button" class="button button-link" onClick={() => sender.retry(item.clientId)}>
						{t("common.retry")}
					</button>
					<button type="button" class="button button-link" onClick={() => sender.discard(item.clientId)}>
						{t("message.discard")}
					</button>
				</div>
			)}
		</li>
	);
}
