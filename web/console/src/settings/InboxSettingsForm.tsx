import { useEffect, useId, useMemo, useState } from "preact/hooks";
import type { InboxSettings } from "../../../../src/protocol/inboxes";
import { createSettingsApi } from "../api/settingsApi";
import { useI18n } from "../i18n";
import { session } from "../session/sessionStore";
import { Button } from "../ui/Button";
import { ErrorAlert, Notice } from "../ui/ErrorAlert";
import { useAsyncAction } from "../ui/useAsyncAction";
import { logFailure } from "../../../shared/logFailure";
import { CheckboxField, FieldGroup, SelectField } from "./fields";

/**
 * Admins only: one inbox's widget look (colour, position, greeting per language, languages) and
 * whether its widget offers calls. Self-contained, so the inbox page can mount it as a section:
 * `<InboxSettingsForm inboxId={id} />`. The other sections of the inbox's settings (hours,
 * assignment) are sent back as they were loaded.
 */
export function InboxSettingsForm({ inboxId }: { inboxId: string }) {
	const { t } = useI18n();
	const api = useMemo(() => createSettingsApi(session.request), []);
	const titleId = useId();
	const colourId = useId();
	const greetingTrId = useId();
	const greetingEnId = useId();
	const load = useAsyncAction();
	const save = useAsyncAction();
	const [settings, setSettings] = useState<InboxSettings | null>(null);
	const [notice, setNotice] = useState(false);

	useEffect(() => {
		setSettings(null);
		load
			.run(() => api.inbox(inboxId))
			.then((result) => result && setSettings(result.value.settings))
			.catch(logFailure("loading the inbox settings"));
	}, [api, inboxId]);

	if (!settings) {
		return (
			<section class="card" aria-labelledby={titleId}>
				<h2 id={titleId}>{t("settings.inbox.widget")}</h2>
				<ErrorAlert error={load.error} />
				{!load.error && <p class="muted">{t("settings.loading")}</p>}
			</section>
		);
	}

	const widget = settings.widget;
	const setWidget = (changes: Partial<InboxSettings["widget"]>) => setSettings({ ...settings, widget: { ...widget, ...changes } });
	const setCalls = (changes: Partial<InboxSettings["calls"]>) => setSettings({ ...settings, calls: { ...settings.calls, ...changes } });
	const toggleLanguage = (language: "tr" | "en") => (on: boolean) =>
		setWidget({ languages: on ? [...new Set([...widget.languages, language])] : widget.languages.filter((l) => l !== language) });

	async function submit(event: SubmitEvent) {
		event.preventDefault();
		if (!settings) return;
		setNotice(false);
		const result = await save.run(() => api.saveInbox(inboxId, settings));
		if (result) {
			setSettings(result.value.settings);
			setNotice(true);
		}
	}

	return (
		<form class="card stack settings-form" aria-labelledby={titleId} onSubmit={submit}>
			<h2 id={titleId}>{t("settings.inbox.widget")}</h2>
			<div class="field">
				<label for={colourId}>{t("settings.inbox.colour")}</label>
				<div class="colour-field">
					<input id={colourId} type="color" value={widget.colour} aria-describedby={`${colourId}-hint`} onInput={(event) => setWidget({ colour: event.currentTarget.value })} />
					<code>{widget.colour}</code>
				</div>
				<p class="field-hint" id={`${colourId}-hint`}>
					{t("settings.inbox.colourHint")}
				</p>
			</div>
			<SelectField
				label={t("settings.inbox.position")}
				value={widget.position}
				options={[
					{ value: "right", label: t("settings.inbox.position.right") },
					{ value: "left", label: t("settings.inbox.position.left") },
				]}
				onValue={(position) => setWidget({ position })}
			/>
			<div class="field">
				<label for={greetingTrId}>{t("settings.inbox.greetingTr")}</label>
				<textarea id={greetingTrId} class="settings-textarea" rows={2} maxLength={500} value={widget.greeting.tr} onInput={(event) => setWidget({ greeting: { ...widget.greeting, tr: event.currentTarget.value } })} />
			</div>
			<div class="field">
				<label for={greetingEnId}>{t("settings.inbox.greetingEn")}</label>
				<textarea id={greetingEnId} class="settings-textarea" rows={2} maxLength={500} value={widget.greeting.en} aria-describedby={`${greetingEnId}-hint`} onInput={(event) => setWidget({ greeting: { ...widget.greeting, en: event.currentTarget.value } })} />
				<p class="field-hint" id={`${greetingEnId}-hint`}>
					{t("settings.inbox.greetingHint")}
				</p>
			</div>
			<FieldGroup legend={t("settings.languages")}>
				<CheckboxField label={t("settings.language.tr")} checked={widget.languages.includes("tr")} onChecked={toggleLanguage("tr")} />
				<CheckboxField label={t("settings.language.en")} checked={widget.languages.includes("en")} onChecked={toggleLanguage("en")} />
			</FieldGroup>
			<FieldGroup legend={t("settings.inbox.calls")}>
				<CheckboxField label={t("settings.inbox.callsEnabled")} checked={settings.calls.enabled} onChecked={(enabled) => setCalls({ enabled })} />
			</FieldGroup>
			<ErrorAlert error={save.error} />
			{notice && <Notice>{t("settings.saved")}</Notice>}
			<div class="setting-actions">
				<Button type="submit" variant="primary" busy={save.busy}>
					{t("settings.save")}
				</Button>
			</div>
		</form>
	);
}

/** The console page of one inbox's settings, until the inbox page shows them as a section. */
export function InboxSettingsPage({ inboxId }: { inboxId: string }) {
	const { t } = useI18n();
	return (
		<div class="page">
			<h1 class="page-title">{t("settings.inbox.title")}</h1>
			<InboxSettingsForm inboxId={inboxId} />
		</div>
	);
}
