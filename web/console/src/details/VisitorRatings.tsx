import { useId } from "preact/hooks";
import type { RatingView } from "../api/inboxTypes";
import { useI18n } from "../i18n";
import { useInbox } from "../inbox/InboxContext";
import { useStore } from "../state/store";
import { formatDateTime } from "../ui/formatTime";

/** The visitor's latest satisfaction ratings; a rating given while the panel is open shows at once. */
export function VisitorRatings({ ratings, conversationId }: { ratings: RatingView[]; conversationId: string }) {
	const { t, language } = useI18n();
	const headingId = useId();
	const live = useStore(useInbox().timeline, (state) =>
		state.conversationId === conversationId ? state.events.filter((event) => event.kind === "rated").at(-1) : undefined,
	);
	const shown: RatingView[] = live
		? [
				{ conversationId, score: live.score ?? 0, comment: live.body, updatedAt: live.createdAt },
				...ratings.filter((rating) => rating.conversationId !== conversationId || rating.updatedAt > live.createdAt),
			]
		: ratings;
	if (shown.length === 0) return null;
	return (
		<div class="history">
			<h3 id={headingId}>{t("details.ratings")}</h3>
			<ul class="rating-list" aria-labelledby={headingId}>
				{shown.map((rating) => (
					<li key={`${rating.conversationId}-${rating.updatedAt}`}>
						<span class="rating-score">{t("details.rating", { score: String(rating.score) })}</span>{" "}
						<time dateTime={rating.updatedAt}>{formatDateTime(rating.updatedAt, language)}</time>
						{rating.comment && <q class="timeline-comment"> {rating.comment}</q>}
					</li>
				))}
			</ul>
		</div>
	);
}
