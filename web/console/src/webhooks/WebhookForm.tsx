import { useId, useState } from "preact/hooks";
import { WEBHOOK_EVENT_NAMES, type WebhookEventName, type WebhooksApi, type WebhookView } from "../api/webhooksApi";
import { useI18n } from "../i18n";
import { Button } from "../ui/Button";
import { ErrorAlert } from "../ui/ErrorAlert";
import { TextField } from "../ui/TextField";
import { useAsyncAction } from "../ui/useAsyncAction";

/** Registering a webhook (no `editing`) or changing one's URL and events. */
export function WebhookForm({
	api,
	editing,
	onSaved,
	onCancel,
}: {
	api: WebhooksApi;
	editing: WebhookView | null;
	onSaved: (webhook: WebhookView) => void;
	onCancel: () => void;
}) {
	const { t } = useI18n();
	const titleId = useId();
	const [url, setUrl] = useState(editing?.url ?? "");
	const [events, setEvents] = useState<Set<WebhookEventName>>(new Set(editing?.events ?? WEBHOOK_EVENT_NAMES));
	const save = useAsyncAction();

	const toggle = (event: WebhookEventName, on: boolean) => {
		const next = new Set(events);
		if (on) next.add(event);
		else next.delete(event);
		setEvents(next);
	};

	async function submit(submitted: SubmitEvent) {
		submitted.preventDefault();
		const body = { url: url.trim(), events: WEBHOOK_EVENT_NAMES.filter((e) => events.has(e)) };
		const saved = await save.run(() => (editing ? api.update(editing.id, body) : api.create(body)));
		if (saved) onSaved(saved.value);
	}

	return (
		<form class="webhook-form card" aria-labelledby={titleId} onSubmit={submit}>
			<h2 id={titleId}>{editing ? t("webhooks.editTitle") : t("webhooks.newTitle")}</h2>
			<TextField label={t("webhooks.url")} value={url} onValue={setUrl} hint={t("webhooks.urlHint")} required focusOnMount plain />
			<fieldset class="webhook-events">
				<legend>{t("webhooks.events")}</legend>
				{WEBHOOK_EVENT_NAMES.map((event) => (
					<label key={event} class="settings-checkbox">
						<input type="checkbox" checked={events.has(event)} onChange={(e) => toggle(event, e.currentTarget.checked)} />
						<code>{event}</code>
					</label>
				))}
			</fieldset>
			<ErrorAlert error={save.error} />
			<div class="webhook-actions">
				<Button type="submit" variant="primary" busy={save.busy} disabled={events.size === 0}>
					{t("webhooks.save")}
				</Button>
				<Button onClick={onCancel}>{t("webhooks.cancel")}</Button>
			</div>
		</form>
	);
}
