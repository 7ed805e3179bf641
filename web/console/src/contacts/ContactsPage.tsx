import { useEffect, useMemo, useState } from "preact/hooks";
import { type ContactSummary, createContactsApi } from "../api/contactsApi";
import { useI18n } from "../i18n";
import { contactRoute, followLink, routeHref } from "../router";
import { session } from "../session/sessionStore";
import { Button } from "../ui/Button";
import { ErrorAlert } from "../ui/ErrorAlert";
import { formatSince } from "../ui/formatTime";
import { useAsyncAction } from "../ui/useAsyncAction";
import { logFailure } from "../../../shared/logFailure";

const SEARCH_DELAY_MS = 250;

/** The Contacts page: a searchable, paged table of everyone who wrote or called. */
export function ContactsPage() {
	const { t, language } = useI18n();
	const api = useMemo(() => createContactsApi(session.request), []);
	const [query, setQuery] = useState("");
	const [contacts, setContacts] = useState<ContactSummary[] | null>(null);
	const [nextCursor, setNextCursor] = useState<string | null>(null);
	const loading = useAsyncAction();
	const { run } = loading;

	// Each keystroke restarts the wait; only the latest query's answer is shown.
	useEffect(() => {
		let current = true;
		const timer = setTimeout(
			() => {
				run(() => api.list({ q: query.trim() }))
					.then((result) => {
						if (!current || !result) return;
						setContacts(result.value.contacts);
						setNextCursor(result.value.nextCursor);
					})
					.catch(logFailure("loading contacts"));
			},
			query ? SEARCH_DELAY_MS : 0,
		);
		return () => {
			current = false;
			clearTimeout(timer);
		};
	}, [query, api, run]);

	const more = () => {
		if (!nextCursor) return;
		run(() => api.list({ q: query.trim(), cursor: nextCursor }))
			.then((result) => {
				if (!result) return;
				setContacts((shown) => [...(shown ?? []), ...result.value.contacts]);
				setNextCursor(result.value.nextCursor);
			})
			.catch(logFailure("loading more contacts"));
	};

	const none = <span class="muted">–</span>;
	return (
		<div class="page page-wide contacts-page">
			<h1 class="page-title">{t("contacts.title")}</h1>
			<p class="muted">{t("contacts.intro")}</p>
			<div class="contacts-toolbar">
				<input
					type="search"
					class="list-search"
					aria-label={t("contacts.search")}
					placeholder={t("contacts.search")}
					value={query}
					onInput={(event) => setQuery(event.currentTarget.value)}
				/>
			</div>
			<ErrorAlert error={loading.error} />
			{contacts === null ? (
				<p class="muted" role="status">
					{t("contacts.loading")}
				</p>
			) : contacts.length === 0 ? (
				<p class="muted">{query ? t("contacts.noMatch") : t("contacts.empty")}</p>
			) : (
				// biome-ignore lint/a11y/noNoninteractiveTabindex: a wide table must scroll with the keyboard on a phone.
				<section class="table-scroll" aria-label={t("contacts.list")} tabIndex={0}>
					<table class="table contacts-table">
						<thead>
							<tr>
								<th scope="col">{t("contacts.col.name")}</th>
								<th scope="col">{t("contacts.col.email")}</th>
								<th scope="col">{t("contacts.col.phone")}</th>
								<th scope="col">{t("contacts.col.company")}</th>
								<th scope="col">{t("contacts.col.lastSeen")}</th>
								<th scope="col" class="cell-number">
									{t("contacts.col.conversations")}
								</th>
							</tr>
						</thead>
						<tbody>
							{contacts.map((contact) => {
								const route = contactRoute(contact.id);
								return (
									<tr key={contact.id}>
										<td class="cell-strong">
											<a href={routeHref(route)} onClick={(event) => followLink(event, route)}>
												{contact.name ?? contact.email ?? t("contacts.unnamed")}
											</a>
										</td>
										<td>{contact.email ?? none}</td>
										<td>{contact.phone ?? none}</td>
										<td>{contact.company ?? none}</td>
										<td>
											<time dateTime={contact.lastSeenAt}>{formatSince(contact.lastSeenAt, language)}</time>
										</td>
										<td class="cell-number">{contact.conversationCount}</td>
									</tr>
								);
							})}
						</tbody>
					</table>
				</section>
			)}
			{nextCursor && (
				<Button busy={loading.busy} onClick={more}>
					{t("contacts.more")}
				</Button>
			)}
		</div>
	);
}
