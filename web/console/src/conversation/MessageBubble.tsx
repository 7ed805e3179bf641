import type { MessageView, ReceiptsView } from "../api/inboxTypes";
import { useI18n } from "../i18n";
import { formatClock, formatDateTime } from "../ui/formatTime";
import { LinkifiedText } from "../../../shared/LinkifiedText";
import { Attachments } from "./Attachments";
import { DeliveryTicks } from "./DeliveryTicks";

/** Which side a message sits on: the team's replies on the right, the visitor's on the left. */
export function sideOf(message: Pick<MessageView, "author">): "visitor" | "agent" | "system" {
	return message.author.type;
}

/** One message: author (when it changes), text as plain text, attachments, time and ticks. */
export function MessageBubble({
	message,
	authorName,
	showAuthor,
	receipts,
	onMediaLoad,
	focused = false,
}: {
	message: MessageView;
	authorName: string;
	showAuthor: boolean;
	receipts: ReceiptsView | null;
	onMediaLoad: () => void;
	/** The message a search opened the conversation at: highlighted. */
	focused?: boolean;
}) {
	const { t, language } = useI18n();
	const side = sideOf(message);
	if (side === "system") {
		return (
			<li class={`message message-system${focused ? " message-focused" : ""}`} data-message-seq={message.seq}>
				<p>{message.body}</p>
			</li>
		);
	}
	return (
		<li class={`message message-${side}${focused ? " message-focused" : ""}`} data-message-seq={message.seq} aria-current={focused ? "true" : undefined}>
			{showAuthor && <p class="message-author">{authorName}</p>}
			<div class="bubble">
				{/* Text only, with http(s) links made clickable (the widget's rule): Preact escapes it, and white-space keeps line breaks. */}
				{message.body && (
					<p class="message-body">
						<LinkifiedText text={message.body} />
					</p>
				)}
				{message.attachments.length > 0 && <Attachments attachments={message.attachments} onMediaLoad={onMediaLoad} />}
				<p class="message-meta">
					{message.via === "telegram" && <span>{t("message.viaTelegram")}</span>}
					{message.via === "email" && <span>{t("message.viaEmail")}</span>}
					{message.via === "api" && <span>{t("message.viaApi")}</span>}
					<time dateTime={message.createdAt} title={formatDateTime(message.createdAt, language)}>
						{formatClock(message.createdAt, language)}
					</time>
					{side === "agent" && receipts && <DeliveryTicks seq={message.seq} receipts={receipts} />}
				</p>
			</div>
		</li>
	);
}
