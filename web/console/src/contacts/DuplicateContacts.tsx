import { useId, useState } from "preact/hooks";
import type { ContactDetail, ContactsApi, ContactSummary } from "../api/contactsApi";
import { useI18n } from "../i18n";
import { contactRoute, followLink, routeHref } from "../router";
import { Button } from "../ui/Button";
import { ErrorAlert } from "../ui/ErrorAlert";
import { useAsyncAction } from "../ui/useAsyncAction";
import { logFailure } from "../../../shared/logFailure";

type Name = (contact: ContactSummary) => string;

/** One likely duplicate; admins merge it into the open contact after confirming with both names. */
function Duplicate({ api, contact, other, name, canMerge, onMerged }: {
	api: ContactsApi;
	contact: ContactDetail;
	other: ContactSummary;
	name: Name;
	canMerge: boolean;
	onMerged: (merged: ContactDetail, otherName: string) => void;
}) {
	const { t } = useI18n();
	const [confirming, setConfirming] = useState(false);
	const merging = useAsyncAction();
	const route = contactRoute(other.id);
	const merge = async () => {
		const result = await merging.run(() => api.merge(contact.id, other.id));
		if (result) onMerged(result.value, name(other));
	};
	return (
		<li class="duplicate">
			<div class="action-row">
				<a href={routeHref(route)} onClick={(event) => followLink(event, route)}>
					{name(other)}
				</a>
				<span class="muted">
					{[other.email, other.phone, other.company].filter(Boolean).join(" · ")} · {t("contacts.col.conversations")}: {other.conversationCount}
				</span>
				{canMerge && !confirming && <Button onClick={() => setConfirming(true)}>{t("contact.merge")}</Button>}
			</div>
			{confirming && (
				<div class="action-row duplicate-confirm">
					<p>{t("contact.mergeQuestion", { other: name(other), name: name(contact) })}</p>
					<Button variant="danger" busy={merging.busy} onClick={() => merge().catch(logFailure("merging contacts"))}>
						{t("contact.confirmMerge")}
					</Button>
					<Button onClick={() => setConfirming(false)}>{t("contact.cancel")}</Button>
					<ErrorAlert error={merging.error} />
				</div>
			)}
		</li>
	);
}

/** Contacts with the same e-mail address as the open one: likely the same person on another device. */
export function DuplicateContacts(props: {
	api: ContactsApi;
	contact: ContactDetail;
	name: Name;
	canMerge: boolean;
	onMerged: (merged: ContactDetail, otherName: string) => void;
}) {
	const { t } = useI18n();
	const headingId = useId();
	if (props.contact.duplicates.length === 0) return null;
	return (
		<section class="card contact-section" aria-labelledby={headingId}>
			<h2 id={headingId}>{t("contact.duplicates")}</h2>
			<p class="muted">{t("contact.duplicatesHint")}</p>
			<ul class="duplicates">
				{props.contact.duplicates.map((other) => (
					<Duplicate key={other.id} {...props} other={other} />
				))}
			</ul>
			{!props.canMerge && <p class="field-hint">{t("contact.mergeAdminsOnly")}</p>}
		</section>
	);
}
