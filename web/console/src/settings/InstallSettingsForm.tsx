import { useEffect, useId, useMemo, useState } from "preact/hooks";
import type { PreChatFields } from "../../../../src/protocol/inboxes";
import type { InstallSettingKey, InstallSettings, InstallSettingsPatch } from "../../../../src/protocol/settings";
import { INSTALL_SETTING_ENV } from "../../../../src/protocol/settingEnv";
import { ApiError } from "../api/http";
import { createSettingsApi } from "../api/settingsApi";
import { useI18n } from "../i18n";
import { followLink, inboxSettingsRoute, routeHref } from "../router";
import { session } from "../session/sessionStore";
import { Button } from "../ui/Button";
import { ErrorAlert, Notice } from "../ui/ErrorAlert";
import { TextField } from "../ui/TextField";
import { useAsyncAction } from "../ui/useAsyncAction";
import { logFailure } from "../../../shared/logFailure";
import { CheckboxField, digitsOnly, FieldGroup, numberText, parseWholeNumber, SelectField } from "./fields";

type Draft = Record<"conversationRetention" | "attachmentRetention" | "retention" | "ringTime" | "daily" | "perVisitor" | "perAgent" | "telegramChat", string>;

const draftOf = (s: InstallSettings): Draft => ({
	conversationRetention: numberText(s.conversationRetentionDays),
	attachmentRetention: numberText(s.attachmentRetentionDays),
	retention: numberText(s.recordingRetentionDays),
	ringTime: numberText(s.ringTimeoutS),
	daily: numberText(s.callDailyLimit),
	perVisitor: numberText(s.callVisitorDailyLimit),
	perAgent: numberText(s.callAgentDailyLimit),
	telegramChat: s.telegramChatId ?? "",
});

/**
 * Admins only: the install-wide settings (recording, data retention, call limits and ring time,
 * the default pre-chat form, languages, the Telegram team chat). Saved ones win over the environment at once,
 * on every server; the server validates and names what it refuses.
 */
export function InstallSettingsForm({ inboxId = "default" }: { inboxId?: string }) {
	const { t } = useI18n();
	const api = useMemo(() => createSettingsApi(session.request), []);
	const titleId = useId();
	const load = useAsyncAction();
	const save = useAsyncAction();
	const [settings, setSettings] = useState<InstallSettings | null>(null);
	// As loaded: only what the admin changed is saved, so the rest keeps following the environment.
	const [loaded, setLoaded] = useState<InstallSettings | null>(null);
	const [saved, setSaved] = useState<InstallSettingKey[]>([]);
	const [draft, setDraft] = useState<Draft | null>(null);
	const [notice, setNotice] = useState(false);

	const show = (view: { settings: InstallSettings; saved: InstallSettingKey[] }) => {
		setSettings(view.settings);
		setLoaded(view.settings);
		setSaved(view.saved);
		setDraft(draftOf(view.settings));
	};

	useEffect(() => {
		load
			.run(api.install)
			.then((result) => result && show(result.value))
			.catch(logFailure("loading the team settings"));
	}, [api]);

	if (!settings || !draft) {
		return (
			<section class="card" aria-labelledby={titleId}>
				<h2 id={titleId}>{t("settings.install.title")}</h2>
				<ErrorAlert error={load.error} />
				{!load.error && <p class="muted">{t("settings.loading")}</p>}
			</section>
		);
	}

	const source = (key: InstallSettingKey) =>
		saved.includes(key) ? t("settings.savedHere") : t("settings.fromEnvironment", { name: INSTALL_SETTING_ENV[key] });
	const edit = (key: keyof Draft) => (value: string) => setDraft({ ...draft, [key]: value });
	const setPreChat = (field: keyof PreChatFields) => (mode: PreChatFields[keyof PreChatFields]) =>
		setSettings({ ...settings, preChat: { ...settings.preChat, [field]: mode } });
	const toggleLanguage = (language: "tr" | "en") => (on: boolean) => {
		const languages = on ? [...new Set([...settings.languages, language])] : settings.languages.filter((l) => l !== language);
		setSettings({ ...settings, languages });
	};

	async function submit(event: SubmitEvent) {
		event.preventDefault();
		if (!settings || !draft) return;
		setNotice(false);
		const numbers: Array<[keyof Draft, string, boolean]> = [
			["conversationRetention", t("settings.retention.conversations"), true],
			["attachmentRetention", t("settings.retention.attachments"), true],
			["retention", t("settings.retention"), true],
			["ringTime", t("settings.ringTime"), false],
			["daily", t("settings.callDaily"), false],
			["perVisitor", t("settings.callVisitor"), false],
			["perAgent", t("settings.callAgent"), true],
		];
		const parsed: Partial<Record<keyof Draft, number | null>> = {};
		for (const [key, label, emptyAllowed] of numbers) {
			const value = parseWholeNumber(draft[key]);
			if (value === undefined || (value === null && !emptyAllowed)) {
				save.setError(new ApiError(0, "invalid_number", t("settings.invalidNumber", { field: label })));
				return;
			}
			parsed[key] = value;
		}
		const wanted: InstallSettings = {
			recording: settings.recording,
			recordingRetentionDays: parsed.retention ?? null,
			conversationRetentionDays: parsed.conversationRetention ?? null,
			attachmentRetentionDays: parsed.attachmentRetention ?? null,
			ringTimeoutS: parsed.ringTime ?? settings.ringTimeoutS,
			callDailyLimit: parsed.daily ?? settings.callDailyLimit,
			callVisitorDailyLimit: parsed.perVisitor ?? settings.callVisitorDailyLimit,
			callAgentDailyLimit: parsed.perAgent ?? null,
			preChat: settings.preChat,
			languages: settings.languages,
			telegramChatId: draft.telegramChat.trim() || null,
		};
		const patch: Record<string, unknown> = {};
		for (const key of Object.keys(wanted) as InstallSettingKey[]) {
			if (JSON.stringify(wanted[key]) !== JSON.stringify(loaded?.[key])) patch[key] = wanted[key];
		}
		if (Object.keys(patch).length === 0) {
			setNotice(true);
			return;
		}
		const result = await save.run(() => api.saveInstall(patch as InstallSettingsPatch));
		if (result) {
			show(result.value);
			setNotice(true);
		}
	}

	const preChatOptions = (["required", "optional", "off"] as const).map((value) => ({ value, label: t(`settings.preChat.${value}`) }));

	return (
		<form class="card stack settings-form" aria-labelledby={titleId} onSubmit={submit}>
			<h2 id={titleId}>{t("settings.install.title")}</h2>
			<p class="muted">{t("settings.install.intro")}</p>
			<p>
				<a href={routeHref(inboxSettingsRoute(inboxId))} onClick={(event) => followLink(event, inboxSettingsRoute(inboxId))}>
					{t("settings.inboxLink")}
				</a>
			</p>
			<SelectField
				label={t("settings.recording")}
				value={settings.recording}
				hint={source("recording")}
				options={[
					{ value: "off", label: t("settings.recording.off") },
					{ value: "audio", label: t("settings.recording.audio") },
					{ value: "audio+video", label: t("settings.recording.audioVideo") },
				]}
				onValue={(recording) => setSettings({ ...settings, recording })}
			/>
			<FieldGroup legend={t("settings.retention.title")}>
				<p class="field-hint">{t("settings.retention.intro")}</p>
				<TextField label={t("settings.retention.conversations")} value={draft.conversationRetention} onValue={edit("conversationRetention")} inputMode="numeric" normalize={digitsOnly} hint={`${t("settings.retention.conversationsHint")} ${source("conversationRetentionDays")}`} />
				<TextField label={t("settings.retention.attachments")} value={draft.attachmentRetention} onValue={edit("attachmentRetention")} inputMode="numeric" normalize={digitsOnly} hint={`${t("settings.retention.attachmentsHint")} ${source("attachmentRetentionDays")}`} />
				<TextField label={t("settings.retention")} value={draft.retention} onValue={edit("retention")} inputMode="numeric" normalize={digitsOnly} hint={`${t("settings.retentionHint")} ${source("recordingRetentionDays")}`} />
			</FieldGroup>
			<TextField label={t("settings.ringTime")} value={draft.ringTime} onValue={edit("ringTime")} inputMode="numeric" normalize={digitsOnly} hint={`${t("settings.ringTimeHint")} ${source("ringTimeoutS")}`} />
			<TextField label={t("settings.callDaily")} value={draft.daily} onValue={edit("daily")} inputMode="numeric" normalize={digitsOnly} hint={source("callDailyLimit")} />
			<TextField label={t("settings.callVisitor")} value={draft.perVisitor} onValue={edit("perVisitor")} inputMode="numeric" normalize={digitsOnly} hint={source("callVisitorDailyLimit")} />
			<TextField label={t("settings.callAgent")} value={draft.perAgent} onValue={edit("perAgent")} inputMode="numeric" normalize={digitsOnly} hint={`${t("settings.callAgentHint")} ${source("callAgentDailyLimit")}`} />
			<FieldGroup legend={t("settings.preChat")}>
				<SelectField label={t("settings.preChat.name")} value={settings.preChat.name} options={preChatOptions} onValue={setPreChat("name")} />
				<SelectField label={t("settings.preChat.email")} value={settings.preChat.email} options={preChatOptions} onValue={setPreChat("email")} />
				<SelectField label={t("settings.preChat.phone")} value={settings.preChat.phone} options={preChatOptions} onValue={setPreChat("phone")} />
				<p class="field-hint">{source("preChat")}</p>
			</FieldGroup>
			<FieldGroup legend={t("settings.languages")}>
				<CheckboxField label={t("settings.language.tr")} checked={settings.languages.includes("tr")} onChecked={toggleLanguage("tr")} />
				<CheckboxField label={t("settings.language.en")} checked={settings.languages.includes("en")} onChecked={toggleLanguage("en")} />
			</FieldGroup>
			<TextField label={t("settings.telegramChat")} value={draft.telegramChat} onValue={edit("telegramChat")} plain hint={`${t("settings.telegramChatHint")} ${source("telegramChatId")}`} />
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
