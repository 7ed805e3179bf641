import type { LabelView } from "../api/labelsApi";
import { useI18n } from "../i18n";
import { useInbox } from "../inbox/InboxContext";
import { useStore } from "../state/store";
import { currentLabels } from "./labelCatalogue";

/** A label's name with its colour as a dot (readable whatever the colour). */
export function LabelChip({ label }: { label: LabelView }) {
	return (
		<span class="label-chip" data-label-id={label.id}>
			<span class="label-dot" style={{ background: label.colour }} aria-hidden="true" />
			{label.name}
		</span>
	);
}

/**
 * A conversation's labels as chips, named as the catalogue names them now; nothing when it has none.
 * `inline` (inside a list row's link): phrasing content only.
 */
export function LabelChips({ labels, inline = false }: { labels: LabelView[]; inline?: boolean }) {
	const { t } = useI18n();
	const inbox = useInbox();
	const catalogue = useStore(inbox.labels, (state) => state.labels);
	const shown = currentLabels(labels, catalogue);
	if (shown.length === 0) return null;
	if (inline) {
		return (
			<span class="label-chips label-chips-inline">
				{shown.map((label) => (
					<LabelChip key={label.id} label={label} />
				))}
			</span>
		);
	}
	return (
		<ul class="label-chips" aria-label={t("labels.onConversation")}>
			{shown.map((label) => (
				<li key={label.id}>
					<LabelChip label={label} />
				</li>
			))}
		</ul>
	);
}
