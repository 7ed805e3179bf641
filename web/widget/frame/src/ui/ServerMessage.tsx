import type { MessageView, ReceiptsView } from "../protocol";
import { useI18n } from "../i18n";
import { type Delivery, DeliveryTicks } from "./DeliveryTicks";
import { formatTime } from "./formatting";
import { MessageBubble } from "./MessageBubble";

function deliveryOf(seq: number, receipts: ReceiptsView | null): Delivery {
	if (receipts && seq <= receipts.readSeq) return "read";
	if (receipts && seq <= receipts.deliveredSeq) return "delivered";
	return "sent";
}

interface ServerMessageProps {
	message: MessageView;
	/** Whether the previous message has the same author (then the name is not repeated). */
	continues: boolean;
	receipts: ReceiptsView | null;
}

/** A message the server has: the visitor's with ticks, an agent's with their name, or a system note. */
export function ServerMessage({ message, continues, receipts }: ServerMessageProps) {
	const { t, language } = useI18n();
	const time = formatTime(message.createdAt, language);
	if (message.author.type === "system") {
		return <p class="system-note">{message.body}</p>;
	}
	const own = message.author.type === "visitor";
	const author = own || continues ? null : (message.author.name ?? t("chat.agent"));
	const meta = (
		<>
			<span class="visually-hidden">{own ? t("chat.you") : (message.author.name ?? t("chat.agent"))}</span>
			<time dateTime={message.createdAt}>{time}</time>
			{own && <DeliveryTicks delivery={deliveryOf(message.seq, receipts)} />}
		</>
	);
	return <MessageBubble own={own} body={message.body} attachments={message.attachments} author={author} meta={meta} />;
}
