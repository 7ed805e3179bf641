import { useEffect, useId, useMemo } from "preact/hooks";
import { useI18n } from "../i18n";
import { useInbox } from "../inbox/InboxContext";
import { useStore } from "../state/store";
import { Button } from "../ui/Button";
import { ErrorAlert } from "../ui/ErrorAlert";
import { Composer } from "./Composer";
import { ConversationHeader } from "./ConversationHeader";
import { MessageList } from "./MessageList";

/** The open conversation: header with actions, the history, and the reply box. */
export function ConversationPane({
	conversationId,
	isPhone,
	detailsOpen,
	onToggleDetails,
}: {
	conversationId: string;
	isPhone: boolean;
	detailsOpen: boolean;
	onToggleDetails: () => void;
}) {
	const { t } = useI18n();
	const inbox = useInbox();
	const titleId = useId();
	const summary = useStore(inbox.conversation, (state) => state.summary);
	const phase = useStore(inbox.conversation, (state) => state.phase);
	const error = useStore(inbox.conversation, (state) => state.error);
	const outboxItems = useStore(inbox.outbox, (state) => state.items);
	const pending = useMemo(
		() => outboxItems.filter((item) => item.conversationId === conversationId),
		[outboxItems, conversationId],
	);

	// On touch screens the reply box is not focused (keyboard pop-up); the heading takes focus instead.
	useEffect(() => {
		if (isPhone && matchMedia("(pointer: coarse)").matches) document.getElementById(titleId)?.focus();
	}, [isPhone, titleId]);

	return (
		<section class="conversation" aria-labelledby={titleId}>
			<ConversationHeader
				titleId={titleId}
				conversation={summary?.id === conversationId ? summary : null}
				detailsOpen={detailsOpen}
				onToggleDetails={onToggleDetails}
			/>
			{phase === "error" && (
				<div class="conversation-error">
					<ErrorAlert error={error} />
					<Button onClick={() => inbox.conversation.resync()}>{t("common.retry")}</Button>
				</div>
			)}
			<MessageList pending={pending} />
			<Composer conversationId={conversationId} />
		</section>
	);
}
