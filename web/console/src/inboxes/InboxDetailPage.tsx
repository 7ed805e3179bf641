import { useEffect, useMemo, useState } from "preact/hooks";
import { createInboxesApi, type InboxView } from "../api/inboxesApi";
import { useI18n } from "../i18n";
import { followLink, navigate, ROUTES, routeHref } from "../router";
import { session } from "../session/sessionStore";
import { Button } from "../ui/Button";
import { ErrorAlert, Notice } from "../ui/ErrorAlert";
import { TextField } from "../ui/TextField";
import { useAsyncAction } from "../ui/useAsyncAction";
import { InboxMembersForm } from "./InboxMembersForm";
import { INBOX_SECTIONS } from "./inboxSections";
import { SnippetBlock } from "./SnippetBlock";
import { logFailure } from "../../../shared/logFailure";

/** One inbox (admins): its snippet, name, members, the sections in INBOX_SECTIONS, and delete. */
export function InboxDetailPage({ inboxId }: { inboxId: string }) {
	const { t } = useI18n();
	const api = useMemo(() => createInboxesApi(session.request), []);
	const [inbox, setInbox] = useState<InboxView | null>(null);
	const [name, setName] = useState("");
	const [notice, setNotice] = useState<string | null>(null);
	const [confirming, setConfirming] = useState(false);
	const loading = useAsyncAction();
	const renaming = useAsyncAction();
	const removal = useAsyncAction();

	useEffect(() => {
		loading
			.run(() => api.get(inboxId))
			.then((result) => {
				if (!result) return;
				setInbox(result.value);
				setName(result.value.name);
			})
			.catch(logFailure("loading an inbox"));
	}, [inboxId]);

	async function rename(event: SubmitEvent) {
		event.preventDefault();
		setNotice(null);
		const result = await renaming.run(() => api.rename(inboxId, name));
		if (!result) return;
		setInbox(result.value);
		setNotice(t("inboxes.renamed"));
	}

	async function remove() {
		if (await removal.run(() => api.remove(inboxId))) navigate(ROUTES.inboxes);
	}

	const back = (
		<a class="back-link" href={routeHref(ROUTES.inboxes)} onClick={(event) => followLink(event, ROUTES.inboxes)}>
			{t("inboxes.back")}
		</a>
	);
	if (!inbox) {
		return (
			<div class="page page-wide inbox-detail">
				{back}
				<ErrorAlert error={loading.error} />
				{!loading.error && (
					<p class="muted" role="status">
						{t("inboxes.loading")}
					</p>
				)}
			</div>
		);
	}
	return (
		<div class="page page-wide inbox-detail">
			{back}
			<h1 class="page-title">{inbox.name}</h1>
			<section class="card">
				<SnippetBlock snippet={inbox.snippet} />
			</section>
			<form class="card inbox-rename" onSubmit={(event) => rename(event).catch(logFailure("renaming an inbox"))}>
				<TextField label={t("inboxes.name")} value={name} onValue={setName} plain required />
				<Button type="submit" busy={renaming.busy}>
					{t("inboxes.rename")}
				</Button>
				<ErrorAlert error={renaming.error} />
				{notice && <Notice>{notice}</Notice>}
			</form>
			<InboxMembersForm key={inbox.id} inbox={inbox} api={api} onChanged={setInbox} />
			{INBOX_SECTIONS.map(({ key, Section }) => (
				<Section key={key} inbox={inbox} api={api} onChanged={setInbox} />
			))}
			{!inbox.isDefault && (
				<section class="card inbox-delete">
					<p class="field-hint">{t("inboxes.deleteHint")}</p>
					{confirming ? (
						<div class="action-row">
							<p>{t("inboxes.confirmDelete", { name: inbox.name })}</p>
							<Button variant="danger" busy={removal.busy} onClick={() => remove().catch(logFailure("deleting an inbox"))}>
								{t("inboxes.confirmDeleteYes")}
							</Button>
							<Button onClick={() => setConfirming(false)}>{t("inboxes.cancel")}</Button>
						</div>
					) : (
						<Button variant="danger" onClick={() => setConfirming(true)}>
							{t("inboxes.delete")}
						</Button>
					)}
					<ErrorAlert error={removal.error} />
				</section>
			)}
		</div>
	);
}
