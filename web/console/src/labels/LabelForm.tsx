import { useId, useState } from "preact/hooks";
import type { LabelsApi, LabelView } from "../api/labelsApi";
import { useI18n } from "../i18n";
import { Button } from "../ui/Button";
import { ErrorAlert } from "../ui/ErrorAlert";
import { TextField } from "../ui/TextField";
import { useAsyncAction } from "../ui/useAsyncAction";
import { LabelChip } from "./LabelChips";

/** Colours a new label cycles through, so labels made one after another differ at a glance. */
const PALETTE = ["#2f80ed", "#27ae60", "#eb5757", "#f2994a", "#9b51e0", "#00a3a3", "#d63384", "#6c757d"];

/** Creating (no `editing`) or renaming / recolouring one label. */
export function LabelForm({
	api,
	editing,
	count,
	onSaved,
	onCancel,
}: {
	api: LabelsApi;
	editing: LabelView | null;
	/** How many labels exist, to pick the next palette colour for a new one. */
	count: number;
	onSaved: (label: LabelView) => void;
	onCancel: () => void;
}) {
	const { t } = useI18n();
	const titleId = useId();
	const colourId = useId();
	const [name, setName] = useState(editing?.name ?? "");
	const [colour, setColour] = useState(editing?.colour ?? PALETTE[count % PALETTE.length] ?? "#2f80ed");
	const save = useAsyncAction();

	async function submit(event: SubmitEvent) {
		event.preventDefault();
		const body = { name: name.trim(), colour };
		const saved = await save.run(() => (editing ? api.update(editing.id, body) : api.create(body)));
		if (saved) onSaved(saved.value);
	}

	return (
		<form class="record-card card" aria-labelledby={titleId} onSubmit={submit}>
			<h2 id={titleId}>{editing ? t("labels.editTitle", { name: editing.name }) : t("labels.newTitle")}</h2>
			<TextField label={t("labels.name")} value={name} onValue={setName} required focusOnMount />
			<div class="field label-colour-field">
				<label for={colourId}>{t("labels.colour")}</label>
				<input id={colourId} type="color" value={colour} onInput={(event) => setColour(event.currentTarget.value)} />
				<span class="muted">{t("labels.preview")}:</span>
				<LabelChip label={{ id: editing?.id ?? "new", name: name.trim() || "…", colour }} />
			</div>
			<ErrorAlert error={save.error} />
			<div class="action-row">
				<Button type="submit" variant="primary" busy={save.busy}>
					{t("labels.save")}
				</Button>
				<Button onClick={onCancel}>{t("labels.cancel")}</Button>
			</div>
		</form>
	);
}
