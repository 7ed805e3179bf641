import { useEffect, useMemo, useState } from "preact/hooks";
import { createInboxesApi, type InboxView } from "../api/inboxesApi";
import { useI18n } from "../i18n";
import { followLink, inboxRoute, routeHref } from "../router";
import { session } from "../session/sessionStore";
import { Button } from "../ui/Button";
import { ErrorAlert, Notice } from "../ui/ErrorAlert";
import { TextField } from "../ui/TextField";
import { useAsyncAction } from "../ui/useAsyncAction";
import { SnippetBlock } from "./SnippetBlock";
import { logFailure } from "../../../shared/logFailure";

/** The Inboxes page (admins): every inbox with its snippet, and a form for a new one. */
export function InboxesPage() {
	const { t } = useI18n();
	const api = useMemo(() => createInboxesApi(session.request), []);
	const [inboxes, setInboxes] = useState<InboxView[] | null>(null);
	const [name, setName] = useState("");
	const [notice, setNotice] = useState<string | null>(null);
	const loading = useAsyncAction();
	const creating = useAsyncAction();

	const reload = () => {
		loading
			.run(() => api.list())
			.then((result) => {
				if (result) setInboxes(result.value);
			})
			.catch(logFailure("loading inboxes"));
	};
	useEffect(reload, []);

	async function create(event: SubmitEvent) {
		event.preventDefault();
		setNotice(null);
		const created = await creating.run(() => api.create(name));
		if (!created) return;
		setName("");
		setNotice(t("inboxes.created", { name: created.value.name }));
		reload();
	}

	return (
		<div class="page page-wide inboxes-page">
			<h1 class="page-title">{t("inboxes.title")}</h1>
			<p class="muted">{t("inboxes.intro")}</p>
			<form class="inbox-create card" onSubmit={(event) => create(event).catch(logFailure("creating an inbox"))}>
				<TextField label={t("inboxes.name")} value={name} onValue={setName} plain required />
				<Button type="submit" variant="primary" busy={creating.busy}>
					{t("inboxes.create")}
				</Button>
				<ErrorAlert error={creating.error} />
			</form>
			{notice && <Notice>{notice}</Notice>}
			<ErrorAlert error={loading.error} />
			{inboxes === null ? (
				<p class="muted" role="status">
					{t("inboxes.loading")}
				</p>
			) : (
				<ul class="inbox-cards" aria-label={t("inboxes.list")}>
					{inboxes.map((inbox) => (
						<li key={inbox.id}>
							<article class="inbox-card card" aria-label={inbox.name}>
								<h2 class="inbox-card-title">
									<a href={routeHref(inboxRoute(inbox.id))} onClick={(event) => followLink(event, inboxRoute(inbox.id))}>
										<span aria-hidden="true">{inbox.name}</span>
										<span class="visually-hidden">{t("inboxes.open", { name: inbox.name })}</span>
									</a>
									{inbox.isDefault && <span class="canned-badge">{t("inboxes.default")}</span>}
								</h2>
								<p class="muted">{t("inboxes.members", { count: inbox.memberIds.length })}</p>
								<SnippetBlock snippet={inbox.snippet} />
							</article>
						</li>
					))}
				</ul>
			)}
		</div>
	);
}
