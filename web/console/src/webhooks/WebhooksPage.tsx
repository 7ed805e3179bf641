import { useCallback, useEffect, useMemo, useState } from "preact/hooks";
import { createWebhooksApi, type WebhooksApi, type WebhookView } from "../api/webhooksApi";
import { useI18n } from "../i18n";
import { session } from "../session/sessionStore";
import { Button } from "../ui/Button";
import { CopyableText } from "../ui/CopyableText";
import { ErrorAlert, Notice } from "../ui/ErrorAlert";
import { useAsyncAction } from "../ui/useAsyncAction";
import { DeliveryLog } from "./DeliveryLog";
import { WebhookForm } from "./WebhookForm";
import { logFailure } from "../../../shared/logFailure";

type Confirming = "delete" | "roll" | null;

/** One webhook: its URL, events and state, the signing secret with Copy, its actions and (opened) its delivery log. */
function WebhookItem({
	webhook,
	api,
	onEdit,
	onChanged,
	onDeleted,
}: {
	webhook: WebhookView;
	api: WebhooksApi;
	onEdit: () => void;
	onChanged: (webhook: WebhookView, message?: string) => void;
	onDeleted: () => void;
}) {
	const { t } = useI18n();
	const [confirming, setConfirming] = useState<Confirming>(null);
	const [logOpen, setLogOpen] = useState(false);
	const action = useAsyncAction();

	const toggle = async () => {
		const result = await action.run(() => api.update(webhook.id, { enabled: !webhook.enabled }));
		if (result) onChanged(result.value);
	};
	const roll = async () => {
		const result = await action.run(() => api.rollSecret(webhook.id));
		if (result) {
			setConfirming(null);
			onChanged(result.value, t("webhooks.rolled"));
		}
	};
	const remove = async () => {
		if (await action.run(() => api.remove(webhook.id))) onDeleted();
	};

	return (
		<li class="webhook-item">
			<div class="webhook-head">
				<h2 class="webhook-url">{webhook.url}</h2>
				<span class={`webhook-badge ${webhook.enabled ? "webhook-badge-on" : "webhook-badge-off"}`}>
					{webhook.enabled ? t("webhooks.enabled") : t("webhooks.disabled")}
				</span>
			</div>
			<p class="webhook-event-list">
				{webhook.events.map((event) => (
					<code key={event}>{event}</code>
				))}
			</p>
			<CopyableText label={t("webhooks.secret")} value={webhook.secret} />
			<div class="webhook-actions">
				<Button onClick={onEdit}>{t("webhooks.edit")}</Button>
				<Button busy={action.busy} onClick={() => toggle().catch(logFailure("switching a webhook"))}>
					{webhook.enabled ? t("webhooks.disable") : t("webhooks.enable")}
				</Button>
				<Button onClick={() => setConfirming("roll")}>{t("webhooks.rollSecret")}</Button>
				<Button variant="danger" onClick={() => setConfirming("delete")}>
					{t("webhooks.delete")}
				</Button>
				<Button variant="link" onClick={() => setLogOpen(!logOpen)}>
					<span aria-hidden="true">{logOpen ? t("webhooks.hideLog") : t("webhooks.showLog")}</span>
					<span class="visually-hidden">{t("webhooks.log", { url: webhook.url })}</span>
				</Button>
			</div>
			{confirming && (
				<div class="webhook-confirm">
					<p>{confirming === "delete" ? t("webhooks.confirmDelete", { url: webhook.url }) : t("webhooks.confirmRoll")}</p>
					<Button
						variant="danger"
						busy={action.busy}
						onClick={() => (confirming === "delete" ? remove() : roll()).catch(logFailure("changing a webhook"))}
					>
						{confirming === "delete" ? t("webhooks.confirmDeleteYes") : t("webhooks.confirmRollYes")}
					</Button>
					<Button onClick={() => setConfirming(null)}>{t("webhooks.cancel")}</Button>
				</div>
			)}
			<ErrorAlert error={action.error} />
			{logOpen && <DeliveryLog webhook={webhook} api={api} />}
		</li>
	);
}

/** The Webhooks page (admins): every webhook, a form for a new or changed one, each with its delivery log. */
export function WebhooksPage() {
	const { t } = useI18n();
	const api = useMemo(() => createWebhooksApi(session.request), []);
	const [webhooks, setWebhooks] = useState<WebhookView[] | null>(null);
	const [editing, setEditing] = useState<WebhookView | "new" | null>(null);
	const [notice, setNotice] = useState<string | null>(null);
	const load = useAsyncAction();

	const reload = useCallback(async () => {
		const result = await load.run(() => api.list());
		if (result) setWebhooks(result.value);
	}, [api, load.run]);

	useEffect(() => {
		reload().catch(logFailure("loading the webhooks"));
	}, [reload]);

	const replace = (webhook: WebhookView) => setWebhooks((list) => list?.map((w) => (w.id === webhook.id ? webhook : w)) ?? [webhook]);

	return (
		<div class="page page-wide webhooks-page">
			<h1 class="page-title">{t("webhooks.title")}</h1>
			<p class="muted">{t("webhooks.intro")}</p>
			<div class="webhooks-toolbar">
				<Button
					variant="primary"
					onClick={() => {
						setNotice(null);
						setEditing("new");
					}}
				>
					{t("webhooks.new")}
				</Button>
			</div>
			{editing !== null && (
				<WebhookForm
					key={editing === "new" ? "new" : editing.id}
					api={api}
					editing={editing === "new" ? null : editing}
					onSaved={(webhook) => {
						setEditing(null);
						setNotice(t("webhooks.saved"));
						if (webhooks?.some((w) => w.id === webhook.id)) replace(webhook);
						else setWebhooks([...(webhooks ?? []), webhook]);
					}}
					onCancel={() => setEditing(null)}
				/>
			)}
			{notice && <Notice>{notice}</Notice>}
			<ErrorAlert error={load.error} />
			{webhooks === null ? (
				<p class="muted" role="status">
					{t("webhooks.loading")}
				</p>
			) : webhooks.length === 0 ? (
				<p class="muted">{t("webhooks.empty")}</p>
			) : (
				<ul class="webhook-list" aria-label={t("webhooks.list")}>
					{webhooks.map((webhook) => (
						<WebhookItem
							key={webhook.id}
							webhook={webhook}
							api={api}
							onEdit={() => {
								setNotice(null);
								setEditing(webhook);
							}}
							onChanged={(changed, message) => {
								replace(changed);
								setNotice(message ?? t("webhooks.saved"));
							}}
							onDeleted={() => {
								setWebhooks(webhooks.filter((w) => w.id !== webhook.id));
								setNotice(t("webhooks.deleted"));
							}}
						/>
					))}
				</ul>
			)}
		</div>
	);
}
