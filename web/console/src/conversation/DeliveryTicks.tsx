import type { ReceiptsView } from "../api/inboxTypes";
import { useI18n } from "../i18n";
import { Icon } from "../ui/Icon";

/** Sent (one tick), delivered (two) or read (two, accent) for an agent message, with the words for screen readers. */
export function DeliveryTicks({ seq, receipts }: { seq: number; receipts: ReceiptsView }) {
	const { t } = useI18n();
	const state = seq <= receipts.readSeq ? "read" : seq <= receipts.deliveredSeq ? "delivered" : "sent";
	const label = t(`ticks.${state}`);
	return (
		<span class={`ticks ticks-${state}`} title={label}>
			<Icon name={state === "sent" ? "check" : "checks"} />
			<span class="visually-hidden">{label}</span>
		</span>
	);
}
