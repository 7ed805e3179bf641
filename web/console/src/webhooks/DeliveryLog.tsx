import { useCallback, useEffect, useState } from "preact/hooks";
import type { WebhookDeliveryView, WebhooksApi, WebhookView } from "../api/webhooksApi";
import { useI18n } from "../i18n";
import { Button } from "../ui/Button";
import { ErrorAlert, Notice } from "../ui/ErrorAlert";
import { formatDateTime } from "../ui/formatTime";
import { useAsyncAction } from "../ui/useAsyncAction";
import { logFailure } from "../../../shared/logFailure";

/** While the log is open it is read again this often, so retries and redeliveries show up by themselves. */
const REFRESH_MS = 5000;

/** One webhook's latest deliveries: event, time, status code, attempts, the start of the answer, and Redeliver. */
export function DeliveryLog({ webhook, api }: { webhook: WebhookView; api: WebhooksApi }) {
	const { t, language } = useI18n();
	const [deliveries, setDeliveries] = useState<WebhookDeliveryView[] | null>(null);
	const [notice, setNotice] = useState<string | null>(null);
	const load = useAsyncAction();
	const redelivery = useAsyncAction();

	const reload = useCallback(async () => {
		const result = await load.run(() => api.deliveries(webhook.id));
		if (result) setDeliveries(result.value);
	}, [api, webhook.id, load.run]);

	useEffect(() => {
		reload().catch(logFailure("loading a webhook's deliveries"));
		const timer = setInterval(() => reload().catch(logFailure("loading a webhook's deliveries")), REFRESH_MS);
		return () => clearInterval(timer);
	}, [reload]);

	const redeliver = async (delivery: WebhookDeliveryView) => {
		if (await redelivery.run(() => api.redeliver(webhook.id, delivery.id))) {
			setNotice(t("webhooks.redelivered"));
			await reload();
		}
	};

	return (
		<div class="webhook-log">
			<div class="webhook-actions">
				<Button busy={load.busy} onClick={() => reload().catch(logFailure("loading a webhook's deliveries"))}>
					{t("webhooks.refresh")}
				</Button>
			</div>
			{notice && <Notice>{notice}</Notice>}
			<ErrorAlert error={load.error ?? redelivery.error} />
			{deliveries === null ? (
				<p class="muted">{t("app.loading")}</p>
			) : deliveries.length === 0 ? (
				<p class="muted">{t("webhooks.logEmpty")}</p>
			) : (
				// biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard.
				<section class="table-scroll" aria-label={t("webhooks.log", { url: webhook.url })} tabIndex={0}>
					<table class="table webhook-log-table">
						<thead>
							<tr>
								<th scope="col">{t("webhooks.col.event")}</th>
								<th scope="col">{t("webhooks.col.time")}</th>
								<th scope="col">{t("webhooks.col.status")}</th>
								<th scope="col">{t("webhooks.col.attempts")}</th>
								<th scope="col">{t("webhooks.col.response")}</th>
								<th scope="col">
									<span class="visually-hidden">{t("webhooks.redeliver")}</span>
								</th>
							</tr>
						</thead>
						<tbody>
							{deliveries.map((delivery) => (
								<tr key={delivery.id}>
									<td>
										<code>{delivery.event}</code>
										{delivery.redeliveryOf && <div class="muted">{t("webhooks.redelivery")}</div>}
									</td>
									<td>{formatDateTime(delivery.createdAt, language)}</td>
									<td>
										<span class={`webhook-state webhook-state-${delivery.status}`}>{t(`webhooks.state.${delivery.status}`)}</span>{" "}
										{delivery.responseStatus ?? "—"}
										{delivery.nextAttemptAt && (
											<div class="muted">{t("webhooks.nextTry", { time: formatDateTime(delivery.nextAttemptAt, language) })}</div>
										)}
									</td>
									<td>{delivery.attempts}</td>
									<td class="webhook-response">{delivery.responseSnippet ?? delivery.error ?? "—"}</td>
									<td>
										<Button variant="link" busy={redelivery.busy} onClick={() => redeliver(delivery).catch(logFailure("redelivering a webhook delivery"))}>
											{t("webhooks.redeliver")}
										</Button>
									</td>
								</tr>
							))}
						</tbody>
					</table>
				</section>
			)}
		</div>
	);
}
