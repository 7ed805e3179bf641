import { useEffect, useId, useMemo, useState } from "preact/hooks";
import type { InboxSettings } from "../../../../src/protocol/inboxes";
import { createSettingsApi } from "../api/settingsApi";
import { useI18n } from "../i18n";
import { session } from "../session/sessionStore";
import { Button } from "../ui/Button";
import { ErrorAlert, Notice } from "../ui/ErrorAlert";
import { useAsyncAction } from "../ui/useAsyncAction";
import { logFailure } from "../../../shared/logFailure";
import { TextField } from "../ui/TextField";
import { CheckboxField, digitsOnly, FieldGroup, numberText, parseWholeNumber, SelectField } from "./fields";

/**
 * Admins only: one inbox's widget look (colour, position, greeting per language, languages), its
 * calls (on, video, ring time), automatic assignment, privacy notice and Telegram chat. Business hours have a page of
 * their own and are sent back as they were loaded.
 */
export function InboxSettingsForm({ inboxId }: { inboxId: string }) {
	const { t } = useI18n();
	const api = useMemo(() => createSettingsApi(session.request), []);
	const titleId = useId();
	const colourId = useId();
	const greetingTrId = useId();
	const greetingEnId = useId();
	const noticeTrId = useId();
	const noticeEnId = useId();
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
	const setAssignment = (changes: Partial<InboxSettings["assignment"]>) => setSettings({ ...settings, assignment: { ...settings.assignment, ...changes } });
	const privacy = settings.privacy;
	const setPrivacy = (changes: Partial<InboxSettings["privacy"]>) => setSettings({ ...settings, privacy: { ...privacy, ...changes } });
	// Numbers are edited as text: an empty ring time means "the install's".
	const ringTime = numberText(settings.calls.ringTimeoutS ?? null);
	const setRingTime = (text: string) => {
		const value = parseWholeNumber(text);
		if (value === null) {
			const { ringTimeoutS: _dropped, ...rest } = settings.calls;
			setSettings({ ...settings, calls: rest });
		} else if (value !== undefined) setCalls({ ringTimeoutS: value });
	};
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
				<CheckboxField label={t("settings.inbox.videoEnabled")} checked={settings.calls.video} onChecked={(video) => setCalls({ video })} />
				<TextField label={t("settings.inbox.ringTime")} value={ringTime} onValue={setRingTime} inputMode="numeric" normalize={digitsOnly} hint={t("settings.inbox.ringTimeHint")} />
			</FieldGroup>
			<FieldGroup legend={t("settings.inbox.assignment")}>
				<CheckboxField label={t("settings.inbox.autoAssign")} checked={settings.assignment.auto} onChecked={(auto) => setAssignment({ auto })} />
				<TextField
					label={t("settings.inbox.capacity")}
					value={String(settings.assignment.capacity)}
					onValue={(text) => {
						const value = parseWholeNumber(text);
						if (typeof value === "number" && value >= 1) setAssignment({ capacity: value });
					}}
					inputMode="numeric"
					normalize={digitsOnly}
					hint={t("settings.inbox.capacityHint")}
				/>
			</FieldGroup>
			<FieldGroup legend={t("settings.inbox.privacy")}>
				<TextField
					label={t("settings.inbox.policyUrl")}
					value={privacy.policyUrl ?? ""}
					onValue={(text) => setPrivacy({ policyUrl: text.trim() === "" ? null : text.trim() })}
					plain
					hint={t("settings.inbox.policyUrlHint")}
				/>
				<CheckboxField label={t("settings.inbox.askConsent")} checked={privacy.askConsent} onChecked={(askConsent) => setPrivacy({ askConsent })} />
				<div class="field">
					<label for={noticeTrId}>{t("settings.inbox.noticeTr")}</label>
					<textarea id={noticeTrId} class="settings-textarea" rows={2} maxLength={1000} value={privacy.notice.tr} onInput={(event) => setPrivacy({ notice: { ...privacy.notice, tr: event.currentTarget.value } })} />
				</div>
				<div class="field">
					<label for={noticeEnId}>{t("settings.inbox.noticeEn")}</label>
					<textarea id={noticeEnId} class="settings-textarea" rows={2} maxLength={1000} value={privacy.notice.en} aria-describedby={`${noticeEnId}-hint`} onInput={(event) => setPrivacy({ notice: { ...privacy.notice, en: event.currentTarget.value } })} />
					<p class="field-hint" id={`${noticeEnId}-hint`}>
						{t("settings.inbox.noticeHint")}
					</p>
				</div>
			</FieldGroup>
			<TextField
				label={t("settings.inbox.telegramChat")}
				value={settings.telegramChatId ?? ""}
				onValue={(text) => setSettings({ ...settings, telegramChatId: text.trim() === "" ? null : text.trim() })}
				plain
				hint={t("settings.inbox.telegramChatHint")}
			/>
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
