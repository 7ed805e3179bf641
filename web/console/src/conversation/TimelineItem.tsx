import type { TimelineEventView, TimelineResponse } from "../api/inboxTypes";
import { useI18n } from "../i18n";
import { formatClock, formatDuration } from "../ui/formatTime";
import { Icon } from "../ui/Icon";
import { CallbackTimelineItem } from "../callbacks/CallbackTimelineItem";

type TimelineCall = TimelineResponse["calls"][number];

/** A note (yellow, "Note") or a change of the conversation (a centred line with who did it). */
export function TimelineEventItem({ event }: { event: TimelineEventView }) {
	const { t, language } = useI18n();
	const actor =
		event.actor.type === "agent" ? (event.actor.name ?? t("message.team")) : event.actor.type === "visitor" ? (event.actor.name ?? t("timeline.visitor")) : t("timeline.system");
	const time = <time dateTime={event.createdAt}>{formatClock(event.createdAt, language)}</time>;
	if (event.kind === "note") {
		return (
			<li class="timeline-note" data-kind="note">
				<p class="timeline-note-head">
					<span class="note-label">{t("note.label")}</span> {actor} · {time}
				</p>
				<p class="timeline-note-body">{event.body}</p>
			</li>
		);
	}
	if (event.kind === "callback_requested" || event.kind === "callback_done") return <CallbackTimelineItem event={event} actor={actor} time={time} />;
	const what =
		event.kind === "assigned"
			? t("timeline.assigned", { assignee: event.assignee?.name ?? "?" })
			: event.kind === "unassigned"
				? t("timeline.unassigned")
				: event.kind === "resolved"
					? t("timeline.resolved")
					: event.kind === "rated"
						? t("timeline.rated", { score: String(event.score ?? 0) })
						: event.kind === "labeled"
							? t("timeline.labeled", { label: event.label?.name ?? "?" })
							: event.kind === "unlabeled"
								? t("timeline.unlabeled", { label: event.label?.name ?? "?" })
						: event.actor.type === "visitor"
							? t("timeline.reopenedByVisitor")
							: t("timeline.reopened");
	return (
		<li class="timeline-event" data-kind={event.kind}>
			<span>
				{what} {t("timeline.by", { actor })} · {time}
			</span>
			{event.kind === "rated" && event.body && <q class="timeline-comment">{event.body}</q>}
		</li>
	);
}

/** A call of the visitor: missed, rejected or answered with its duration, and its recordings. */
export function TimelineCallItem({ call }: { call: TimelineCall }) {
	const { t, language } = useI18n();
	return (
		<li class="timeline-event timeline-call" data-kind="call" data-status={call.status}>
			<span>
				<Icon name="phone" /> {t("timeline.call", { media: t(`timeline.media.${call.media}`), status: t(`timeline.status.${call.status}`) })}
				{call.durationMs !== null && ` · ${formatDuration(call.durationMs)}`}
				{call.agent && ` · ${call.agent.name}`} · <time dateTime={call.createdAt}>{formatClock(call.createdAt, language)}</time>
			</span>
			{call.recordings.map((recording) => (
				<a key={recording.id} href={recording.url} target="_blank" rel="noreferrer">
					{t("timeline.recording", { role: recording.role })}
				</a>
			))}
		</li>
	);
}
