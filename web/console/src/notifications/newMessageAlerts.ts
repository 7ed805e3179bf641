import type { Translate } from "../../../shared/i18n";
import type { ConversationSummary, MessageView } from "../api/inboxTypes";
import type { MessageKey } from "../i18n";
import { visitorName } from "../inbox/visitorName";
import { playDing } from "./ding";
import { showDesktopNotification } from "./desktopNotifications";

/** Several messages in a burst ring once. */
const DING_GAP_MS = 1_500;
/** A conversation counts as new when its message arrives this soon after the conversation began. */
const NEW_CONVERSATION_WINDOW_MS = 60_000;
const PREVIEW_LENGTH = 140;

/** Sound and desktop notification for visitor messages the agent is not looking at. */
export function createNewMessageAlerts(deps: {
	translate: () => Translate<MessageKey>;
	isViewing: (conversationId: string) => boolean;
	openConversation: (conversationId: string) => void;
}) {
	const announced = new Set<string>();
	let lastDing = 0;

	return function alertVisitorMessage(message: MessageView, conversation: ConversationSummary): void {
		if (message.author.type !== "visitor" || deps.isViewing(conversation.id)) return;
		const t = deps.translate();
		const isNew =
			!announced.has(conversation.id) &&
			Date.parse(message.createdAt) - Date.parse(conversation.createdAt) < NEW_CONVERSATION_WINDOW_MS;
		announced.add(conversation.id);

		if (Date.now() - lastDing > DING_GAP_MS) {
			lastDing = Date.now();
			playDing();
		}
		const name = visitorName(conversation.visitor, t);
		const text = message.body.trim() || t("notify.attachment");
		showDesktopNotification({
			title: isNew ? t("notify.newConversation", { name }) : name,
			body: text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH)}…` : text,
			tag: conversation.id,
			onOpen: () => deps.openConversation(conversation.id),
		});
	};
}
