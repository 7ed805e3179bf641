import { useId, useState } from "preact/hooks";
import type { CannedApi, CannedReplyScope, CannedReplyView } from "../api/cannedApi";
import { useI18n } from "../i18n";
import { Button } from "../ui/Button";
import { ErrorAlert } from "../ui/ErrorAlert";
import { TextField } from "../ui/TextField";
import { useAsyncAction } from "../ui/useAsyncAction";

/** Creating (no `editing`) or changing one canned reply. The scope is chosen at creation only. */
export function CannedReplyForm({
	api,
	isAdmin,
	editing,
	onSaved,
	onCancel,
}: {
	api: CannedApi;
	isAdmin: boolean;
	editing: CannedReplyView | null;
	onSaved: (reply: CannedReplyView) => void;
	onCancel: () => void;
}) {
	const { t } = useI18n();
	const titleId = useId();
	const textId = useId();
	const [shortcut, setShortcut] = useState(editing?.shortcut ?? "");
	const [text, setText] = useState(editing?.text ?? "");
	const [scope, setScope] = useState<CannedReplyScope>(editing?.scope ?? "personal");
	const save = useAsyncAction();

	async function submit(event: SubmitEvent) {
		event.preventDefault();
		const body = { shortcut: shortcut.replace(/^\//, "").trim(), text };
		const saved = await save.run(() => (editing ? api.update(editing.id, body) : api.create({ ...body, scope })));
		if (saved) onSaved(saved.value);
	}

	const scopeOption = (value: CannedReplyScope) => (
		<label class="canned-scope-option">
			<input
				type="radio"
				name="canned-scope"
				value={value}
				checked={scope === value}
				disabled={editing !== null || (value === "shared" && !isAdmin)}
				onChange={() => setScope(value)}
			/>
			<span>{t(`canned.scope.${value}`)}</span>
			<span class="muted"> · {t(`canned.scope.${value}Hint`)}</span>
		</label>
	);

	return (
		<form class="record-card card" aria-labelledby={titleId} onSubmit={submit}>
			<h2 id={titleId}>{editing ? t("canned.editTitle", { shortcut: editing.shortcut }) : t("canned.newTitle")}</h2>
			<TextField label={t("canned.shortcut")} value={shortcut} onValue={setShortcut} hint={t("canned.shortcutHint")} plain required focusOnMount />
			<div class="field">
				<label for={textId}>{t("canned.text")}</label>
				<textarea id={textId} class="text-box" rows={5} value={text} required maxLength={4000} onInput={(event) => setText(event.currentTarget.value)} />
			</div>
			<fieldset class="canned-scope">
				<legend>{t("canned.scope")}</legend>
				{scopeOption("personal")}
				{scopeOption("shared")}
				{!isAdmin && <p class="field-hint">{t("canned.sharedAdminsOnly")}</p>}
			</fieldset>
			<ErrorAlert error={save.error} />
			<div class="action-row">
				<Button type="submit" variant="primary" busy={save.busy}>
					{t("canned.save")}
				</Button>
				<Button onClick={onCancel}>{t("canned.cancel")}</Button>
			</div>
		</form>
	);
}
