import { useI18n } from "../i18n";
import { CheckIcon, DoubleCheckIcon } from "./icons";

export type Delivery = "sent" | "delivered" | "read";

/** One tick: sent; two grey: an agent received it; two in the accent colour: an agent read it. */
export function DeliveryTicks({ delivery }: { delivery: Delivery }) {
	const { t } = useI18n();
	return (
		<span class={`ticks ticks-${delivery}`}>
			{delivery === "sent" ? <CheckIcon /> : <DoubleCheckIcon />}
			<span class="visually-hidden">{t(`message.${delivery}`)}</span>
		</span>
	);
}
