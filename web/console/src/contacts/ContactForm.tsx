import { useId, useState } from "preact/hooks";
import type { ContactDetail, ContactFields, ContactsApi } from "../api/contactsApi";
import { useI18n } from "../i18n";
import { Button } from "../ui/Button";
import { ErrorAlert, Notice } from "../ui/ErrorAlert";
import { TextField } from "../ui/TextField";
import { useAsyncAction } from "../ui/useAsyncAction";

const fieldsOf = (contact: ContactDetail): ContactFields => ({
	name: contact.name ?? "",
	email: contact.email ?? "",
	phone: contact.phone ?? "",
	company: contact.company ?? "",
	notes: contact.notes ?? "",
});

/** The contact's editable profile: Name, Email, Phone, Company and Notes, saved together. */
export function ContactForm({ api, contact, onSaved }: { api: ContactsApi; contact: ContactDetail; onSaved: (contact: ContactDetail) => void }) {
	const { t } = useI18n();
	const titleId = useId();
	const notesId = useId();
	const [fields, setFields] = useState(() => fieldsOf(contact));
	const [saved, setSaved] = useState(false);
	const save = useAsyncAction();
	const set = (field: keyof ContactFields) => (value: string) => {
		setSaved(false);
		setFields((current) => ({ ...current, [field]: value }));
	};

	async function submit(event: SubmitEvent) {
		event.preventDefault();
		const result = await save.run(() => api.update(contact.id, fields));
		if (!result) return;
		setFields(fieldsOf(result.value));
		setSaved(true);
		onSaved(result.value);
	}

	return (
		<form class="card contact-form" aria-labelledby={titleId} onSubmit={submit}>
			<h2 id={titleId}>{t("contact.profile")}</h2>
			<TextField label={t("contact.name")} value={fields.name} onValue={set("name")} autoComplete="off" />
			<TextField label={t("contact.email")} value={fields.email} onValue={set("email")} autoComplete="off" plain />
			<TextField label={t("contact.phone")} value={fields.phone} onValue={set("phone")} autoComplete="off" plain />
			<TextField label={t("contact.company")} value={fields.company} onValue={set("company")} autoComplete="off" />
			<div class="field">
				<label for={notesId}>{t("contact.notes")}</label>
				<textarea id={notesId} class="text-box" rows={4} maxLength={4000} value={fields.notes} onInput={(event) => set("notes")(event.currentTarget.value)} />
			</div>
			<ErrorAlert error={save.error} />
			{saved && <Notice>{t("contact.saved")}</Notice>}
			<div class="action-row">
				<Button type="submit" variant="primary" busy={save.busy}>
					{t("contact.save")}
				</Button>
			</div>
		</form>
	);
}
