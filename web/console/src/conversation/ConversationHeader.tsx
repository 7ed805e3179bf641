import type { ConversationSummary } from "../api/inboxTypes";
import { useI18n } from "../i18n";
import { visitorName } from "../inbox/visitorName";
import { navigate, ROUTES } from "../router";
import { Icon } from "../ui/Icon";
import { LabelChips } from "../labels/LabelChips";
import { ConversationActions } from "./ConversationActions";

/** Visitor name, status and assignee, the actions, and (phone) back / (narrow) details buttons. */
export function ConversationHeader({
	titleId,
	conversation,
	detailsOpen,
	onToggleDetails,
}: {
	titleId: string;
	conversation: ConversationSummary | null;
	detailsOpen: boolean;
	onToggleDetails: () => void;
}) {
	const { t } = useI18n();
	return (
		<header class="conversation-header">
			<div class="conversation-header-row">
				<button type="button" class="icon-button back-button" onClick={() => navigate(ROUTES.home)} aria-label={t("conversation.back")}>
					<Icon name="back" />
				</button>
				<div class="conversation-heading">
					<h2 id={titleId} class="conversation-title" tabIndex={-1}>
						{conversation ? visitorName(conversation.visitor, t) : t("app.loading")}
					</h2>
					{conversation && (
						<p class="conversation-meta">
							<span class={`status-badge status-${conversation.status}`}>{t(`status.${conversation.status}`)}</span>
							<span>
								{conversation.assignee
									? t("conversation.assignedTo", { name: conversation.assignee.name })
									: t("conversation.unassigned")}
							</span>
						</p>
					)}
					{conversation && <LabelChips labels={conversation.labels} />}
				</div>
				<button
					type="button"
					class="icon-button details-toggle"
					data-details-toggle
					aria-expanded={detailsOpen}
					onClick={onToggleDetails}
					aria-label={t("details.toggle")}
				>
					<Icon name="info" />
				</button>
			</div>
			{conversation && <ConversationActions conversation={conversation} />}
		</header>
	);
}
