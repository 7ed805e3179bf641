import type { ConversationSummary, SearchSnippet } from "../api/inboxTypes";
import { useI18n } from "../i18n";
import { conversationRoute, followLink, routeHref } from "../router";
import { formatDateTime, formatListTime } from "../ui/formatTime";
import { Icon } from "../ui/Icon";
import { activityTime } from "./conversationListStore";
import { useInbox } from "./InboxContext";
import { MarkedSnippet } from "./MarkedSnippet";
import { MessagePreview } from "./MessagePreview";
import { VerifiedBadge } from "./VerifiedBadge";
import { initials, visitorName } from "./visitorName";
import { useStore } from "../state/store";
import { LabelChips } from "../labels/LabelChips";

/** One row of the list: a link that opens the conversation (Enter or click). */
export function ConversationListItem({
	conversation,
	selected,
	match,
}: {
	conversation: ConversationSummary;
	selected: boolean;
	/** The search snippet that matched, shown instead of the last message; opening goes to that message. */
	match?: SearchSnippet | undefined;
}) {
	const { t, language } = useI18n();
	const inbox = useInbox();
	const name = visitorName(conversation.visitor, t);
	const last = conversation.lastMessage;
	const activity = new Date(activityTime(conversation)).toISOString();
	const route = conversationRoute(conversation.id);
	const mentioned = useStore(inbox.mentions, (state) => state.conversationIds.includes(conversation.id));
	// Which website it came from, when the agent sees more than one inbox.
	const inboxName = useStore(inbox.inboxes, (state) =>
		state.list.length > 1 ? (state.list.find((i) => i.id === conversation.inboxId)?.name ?? null) : null,
	);
	return (
		<li>
			<a
				class="conversation-item"
				href={routeHref(route)}
				aria-current={selected ? "true" : undefined}
				data-conversation-link={conversation.id}
				data-unread={conversation.unread > 0 ? "true" : undefined}
				onClick={(event) => {
					if (match?.messageSeq) inbox.conversation.openAt(conversation.id, match.messageSeq);
					followLink(event, route);
				}}
			>
				<span class="avatar visitor-avatar" aria-hidden="true">
					{conversation.visitor.name ? initials(name) : <Icon name="user" />}
				</span>
				<span class="conversation-item-main">
					<span class="conversation-item-top">
						<span class="conversation-item-name">
							{name}
							{conversation.visitor.verified && <VerifiedBadge />}
						</span>
						{inboxName && <span class="conversation-item-inbox">{inboxName}</span>}
						<time dateTime={activity} title={formatDateTime(activity, language)}>
							{formatListTime(activity, language)}
						</time>
					</span>
					<span class="conversation-item-bottom">
						{match ? (
							<MarkedSnippet snippet={match} />
						) : (
						<span class="conversation-item-preview">
							{last?.authorType === "agent" && (
								<>
									<Icon name="reply" class="preview-icon" />
									<span class="visually-hidden">{t("list.replyPrefix")} </span>
								</>
							)}
							{last ? <MessagePreview body={last.body} attachment={last.attachment} /> : t("list.noMessages")}
						</span>
						)}
						{mentioned && <span class="mention-badge">{t("note.mentionBadge")}</span>}
						{conversation.unread > 0 && (
							<span class="unread-badge">
								<span aria-hidden="true">{conversation.unread > 99 ? "99+" : conversation.unread}</span>
								<span class="visually-hidden">{t("list.unread", { count: conversation.unread })}</span>
							</span>
						)}
						{conversation.assignee && (
							<span class="assignee-initials" title={t("list.assignedTo", { name: conversation.assignee.name })}>
								<span aria-hidden="true">{initials(conversation.assignee.name)}</span>
								<span class="visually-hidden">{t("list.assignedTo", { name: conversation.assignee.name })}</span>
							</span>
						)}
					</span>
					<LabelChips labels={conversation.labels} inline />
				</span>
			</a>
		</li>
	);
}
