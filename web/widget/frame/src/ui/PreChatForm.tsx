import { useState } from "preact/hooks";
import type { PreChatField, WidgetConfig } from "../api/widgetApi";
import { type ChatError, updateProfile } from "../chat/chatStore";
import { describeError, type MessageKey, useI18n } from "../i18n";
import type { VisitorProfile } from "../protocol";
import { TextInput } from "./TextInput";

const FIELDS: readonly PreChatField[] = ["name", "email", "phone"];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** The server's phone rule, so the visitor hears about a typo before sending. */
const PHONE = /^\+?[\d\s().-]{5,30}$/;

const INVALID: Record<PreChatField, MessageKey> = {
	name: "preChat.nameRequired",
	email: "preChat.emailInvalid",
	phone: "preChat.phoneInvalid",
};

function isValid(field: PreChatField, value: string): boolean {
	if (field === "email") return EMAIL.test(value) && value.length <= 200;
	if (field === "phone") return PHONE.test(value);
	return value.length > 0 && value.length <= 100;
}

/** Asks for name, e-mail and phone (as configured) before the first message. */
export function PreChatForm({ rules, onDone }: { rules: WidgetConfig["preChat"]; onDone: () => void }) {
	const { t } = useI18n();
	const [values, setValues] = useState<Record<PreChatField, string>>({ name: "", email: "", phone: "" });
	const [invalid, setInvalid] = useState<PreChatField[]>([]);
	const [busy, setBusy] = useState(false);
	const [failure, setFailure] = useState<ChatError | null>(null);
	const fields = FIELDS.filter((field) => rules[field] !== "off");
	const anyRequired = fields.some((field) => rules[field] === "required");

	const submit = async (event: Event) => {
		event.preventDefault();
		const trimmed = (field: PreChatField) => values[field].trim();
		const wrong = fields.filter((field) => {
			const value = trimmed(field);
			return value ? !isValid(field, value) : rules[field] === "required";
		});
		setInvalid(wrong);
		if (wrong.length > 0) return;
		const profile: VisitorProfile = {};
		for (const field of fields) if (trimmed(field)) profile[field] = trimmed(field);
		setBusy(true);
		setFailure(null);
		const error = Object.keys(profile).length > 0 ? await updateProfile(profile) : null;
		setBusy(false);
		if (error) setFailure(error);
		else onDone();
	};

	return (
		<form class="pre-chat" onSubmit={submit} noValidate>
			<h2 class="pre-chat-title">{t("preChat.title")}</h2>
			<p class="pre-chat-intro">{t("preChat.intro")}</p>
			{fields.map((field) => (
				<TextInput
					key={field}
					field={field}
					label={t(`preChat.${field}`)}
					optional={rules[field] === "optional" ? t("preChat.optional") : null}
					value={values[field]}
					error={invalid.includes(field) ? t(INVALID[field]) : null}
					focusOnMount={field === fields[0]}
					onValue={(value) => setValues((current) => ({ ...current, [field]: value }))}
				/>
			))}
			{failure && (
				<p class="form-error" role="alert">
					{describeError(failure, t)}
				</p>
			)}
			<button type="submit" class="primary-button" disabled={busy} aria-busy={busy || undefined}>
				{t("preChat.submit")}
			</button>
			{!anyRequired && (
				<button type="button" class="link-button pre-chat-skip" onClick={onDone}>
					{t("preChat.skip")}
				</button>
			)}
		</form>
	);
}
