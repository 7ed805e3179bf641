import { useEffect, useMemo, useState } from "preact/hooks";
import { type ContactDetail, type ContactSummary, createContactsApi } from "../api/contactsApi";
import type { Agent } from "../api/types";
import { useI18n } from "../i18n";
import { VerifiedBadge } from "../inbox/VerifiedBadge";
import { followLink, ROUTES, routeHref } from "../router";
import { session } from "../session/sessionStore";
import { ErrorAlert, Notice } from "../ui/ErrorAlert";
import { formatDateTime } from "../ui/formatTime";
import { Icon } from "../ui/Icon";
import { useAsyncAction } from "../ui/useAsyncAction";
import { ContactCallsAndRatings, ContactConsents, ContactConversations } from "./ContactActivity";
import { ContactForm } from "./ContactForm";
import { DuplicateContacts } from "./DuplicateContacts";
import { PrivacyRequests } from "./PrivacyRequests";
import { logFailure } from "../../../shared/logFailure";

/** One contact: the editable profile, duplicates to merge, and everything they did across devices. */
export function ContactPage({ agent, contactId }: { agent: Agent; contactId: string }) {
	const { t, language } = useI18n();
	const api = useMemo(() => createContactsApi(session.request), []);
	const [contact, setContact] = useState<ContactDetail | null>(null);
	const [notice, setNotice] = useState<string | null>(null);
	// A merge fills empty fields from the other contact: the form starts again from the result.
	const [merges, setMerges] = useState(0);
	const loading = useAsyncAction();
	const { run } = loading;

	useEffect(() => {
		run(() => api.get(contactId))
			.then((result) => {
				if (result) setContact(result.value);
			})
			.catch(logFailure("loading a contact"));
	}, [api, run, contactId]);

	const name = (person: ContactSummary) => person.name ?? person.email ?? t("contacts.unnamed");
	return (
		<div class="page page-wide contact-page">
			<a class="back-link" href={routeHref(ROUTES.contacts)} onClick={(event) => followLink(event, ROUTES.contacts)}>
				<Icon name="back" />
				{t("contact.back")}
			</a>
			<ErrorAlert error={loading.error} />
			{contact === null ? (
				!loading.error && (
					<p class="muted" role="status">
						{t("app.loading")}
					</p>
				)
			) : (
				<>
					<h1 class="page-title">
						{name(contact)}
						{contact.verified && <VerifiedBadge />}
					</h1>
					<p class="muted">
						{t("contact.firstSeen", { when: formatDateTime(contact.firstSeenAt, language) })} · {t("contact.devices", { count: contact.deviceCount })}
					</p>
					{notice && <Notice>{notice}</Notice>}
					<div class="contact-columns">
						<div class="contact-column">
							<ContactForm key={`${contact.id}-${merges}`} api={api} contact={contact} onSaved={setContact} />
							<DuplicateContacts
								api={api}
								contact={contact}
								name={name}
								canMerge={agent.isAdmin}
								onMerged={(merged, otherName) => {
									setContact(merged);
									setMerges((n) => n + 1);
									setNotice(t("contact.merged", { other: otherName }));
								}}
							/>
							{agent.isAdmin && <PrivacyRequests api={api} contact={contact} name={name(contact)} />}
						</div>
						<div class="contact-column">
							<ContactConversations contact={contact} />
							<ContactCallsAndRatings contact={contact} />
							<ContactConsents contact={contact} />
						</div>
					</div>
				</>
			)}
		</div>
	);
}
