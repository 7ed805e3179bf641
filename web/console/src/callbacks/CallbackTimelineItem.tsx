import type { ComponentChildren } from "preact";
import type { TimelineEventView } from "../api/inboxTypes";
import { useI18n } from "../i18n";
import { Icon } from "../ui/Icon";

/** A call-back request on the conversation's timeline: asked by the visitor, done by an agent. */
export function CallbackTimelineItem({ event, actor, time }: { event: TimelineEventView; actor: string; time: ComponentChildren }) {
	const { t } = useI18n();
	const detail = event.body ?? "";
	return (
		<li class="timeline-event timeline-call" data-kind={event.kind}>
			<span>
				<Icon name="phoneBack" /> {t(event.kind === "callback_done" ? "callbacks.timeline.done" : "callbacks.timeline.requested", { detail })}{" "}
				{t("timeline.by", { actor })} · {time}
			</span>
		</li>
	);
}
