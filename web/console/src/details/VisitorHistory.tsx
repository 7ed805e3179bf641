import { useId } from "preact/hooks";
import type { HistoryEntry } from "../api/inboxTypes";
import { useI18n } from "../i18n";
import { conversationRoute, followLink, routeHref } from "../router";
import { MessagePreview } from "../inbox/MessagePreview";
import { formatDateTime } from "../ui/formatTime";

/** The visitor's other conversations, newest first; each opens in the conversation column. */
export function VisitorHistory({ history }: { history: HistoryEntry[] }) {
	const { t, language } = useI18n();
	const headingId = useId();
	return (
		<div class="history">
			<h3 id={headingId}>{t("details.history")}</h3>
			{history.length === 0 ? (
				<p class="muted">{t("details.noHistory")}</p>
			) : (
				<ul class="history-items" aria-labelledby={headingId}>
					{history.map((entry) => {
						const route = conversationRoute(entry.id);
						const when = entry.lastMessageAt ?? entry.createdAt;
						return (
							<li key={entry.id}>
								<a class="history-item" href={routeHref(route)} onClick={(event) => followLink(event, route)}>
									<span class="history-item-top">
										<span class={`status-badge status-${entry.status}`}>{t(`status.${entry.status}`)}</span>
										<time dateTime={when}>{formatDateTime(when, language)}</time>
									</span>
									<span class="history-item-preview">
										{entry.lastMessage === null ? (
											t("list.noMessages")
										) : (
											<MessagePreview body={entry.lastMessage} attachment={entry.lastAttachment} />
										)}
									</span>
								</a>
							</li>
						);
					})}
				</ul>
			)}
		</div>
	);
}
