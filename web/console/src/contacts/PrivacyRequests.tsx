import { useId, useState } from "preact/hooks";
import { ApiError } from "../api/http";
import type { ContactDetail, ContactsApi } from "../api/contactsApi";
import { useI18n } from "../i18n";
import { navigate, ROUTES } from "../router";
import { session } from "../session/sessionStore";
import { Button } from "../ui/Button";
import { ErrorAlert } from "../ui/ErrorAlert";
import { showToast } from "../ui/toasts";
import { useAsyncAction } from "../ui/useAsyncAction";
import { logFailure } from "../../../shared/logFailure";

/** Saves the contact's export: fetched with the session's token (a plain link would carry none). */
async function downloadExport(path: string, fileName: string): Promise<void> {
	const token = session.accessToken();
	const response = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {}, credentials: "same-origin", cache: "no-store" });
	if (!response.ok) {
		const body = (await response.json().catch(() => null)) as { error?: { id?: string; message?: string } } | null;
		throw new ApiError(response.status, body?.error?.id ?? `http_${response.status}`, body?.error?.message ?? response.statusText);
	}
	const url = URL.createObjectURL(await response.blob());
	const link = document.createElement("a");
	link.href = url;
	link.download = fileName;
	link.click();
	// Revoked after the click has started the download.
	setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Admins answer access and erasure requests (KVKK / GDPR) from the contact page. */
export function PrivacyRequests({ api, contact, name }: { api: ContactsApi; contact: ContactDetail; name: string }) {
	const { t } = useI18n();
	const headingId = useId();
	const [confirming, setConfirming] = useState(false);
	const exporting = useAsyncAction();
	const erasing = useAsyncAction();
	const erase = async () => {
		const result = await erasing.run(() => api.erase(contact.id));
		if (!result) return;
		const report = result.value;
		const done = t("contact.erased", { name, messages: String(report.counts.messages), files: String(report.files.deleted) });
		const consents = report.counts.consents ? ` ${t("contact.erasedConsents", { count: String(report.counts.consents) })}` : "";
		const left = report.telegram.left.length ? ` ${t("contact.erasedTelegramLeft", { count: String(report.telegram.left.length) })}` : "";
		showToast(done + consents + left);
		navigate(ROUTES.contacts);
	};
	return (
		<section class="card contact-section" aria-labelledby={headingId}>
			<h2 id={headingId}>{t("contact.privacy")}</h2>
			<p class="muted">{t("contact.privacyHint")}</p>
			<div class="setting-actions">
				<Button
					busy={exporting.busy}
					onClick={() => exporting.run(() => downloadExport(api.exportPath(contact.id), `contact-${contact.id}.zip`)).catch(logFailure("exporting a contact"))}
				>
					{t("contact.export")}
				</Button>
				{!confirming && (
					<Button variant="danger" onClick={() => setConfirming(true)}>
						{t("contact.erase")}
					</Button>
				)}
			</div>
			<ErrorAlert error={exporting.error} />
			{confirming && (
				<div class="action-row duplicate-confirm" role="alertdialog" aria-label={t("contact.erase")}>
					<p>{t("contact.eraseQuestion", { name })}</p>
					<Button variant="danger" busy={erasing.busy} onClick={() => erase().catch(logFailure("erasing a contact"))}>
						{t("contact.eraseConfirm")}
					</Button>
					<Button onClick={() => setConfirming(false)}>{t("contact.cancel")}</Button>
					<ErrorAlert error={erasing.error} />
				</div>
			)}
		</section>
	);
}
