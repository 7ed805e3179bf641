import { useMemo, useState } from "preact/hooks";
import { createLabelsApi, type LabelsApi, type LabelView } from "../api/labelsApi";
import { useI18n } from "../i18n";
import { useInbox } from "../inbox/InboxContext";
import { session } from "../session/sessionStore";
import { useStore } from "../state/store";
import { Button } from "../ui/Button";
import { ErrorAlert, Notice } from "../ui/ErrorAlert";
import { useAsyncAction } from "../ui/useAsyncAction";
import { LabelChip } from "./LabelChips";
import { LabelForm } from "./LabelForm";
import { logFailure } from "../../../shared/logFailure";

/** One label in the list, with Edit and Delete (asked once more: it comes off every conversation). */
function LabelItem({ label, api, onEdit, onDeleted }: { label: LabelView; api: LabelsApi; onEdit: () => void; onDeleted: () => void }) {
	const { t } = useI18n();
	const [confirming, setConfirming] = useState(false);
	const removal = useAsyncAction();
	const remove = async () => {
		if (await removal.run(() => api.remove(label.id))) onDeleted();
	};
	return (
		<li class="record-item">
			<div class="record-head">
				<LabelChip label={label} />
				{!confirming && (
					<span class="record-actions">
						<Button variant="link" onClick={onEdit}>
							<span aria-hidden="true">{t("labels.editButton")}</span>
							<span class="visually-hidden">{t("labels.edit", { name: label.name })}</span>
						</Button>
						<Button variant="link" onClick={() => setConfirming(true)}>
							<span aria-hidden="true">{t("labels.deleteButton")}</span>
							<span class="visually-hidden">{t("labels.delete", { name: label.name })}</span>
						</Button>
					</span>
				)}
			</div>
			{confirming && (
				<div class="action-row record-confirm">
					<p>{t("labels.confirmDelete", { name: label.name })}</p>
					<Button variant="danger" busy={removal.busy} onClick={() => remove().catch(logFailure("deleting a label"))}>
						{t("labels.confirmDeleteYes")}
					</Button>
					<Button onClick={() => setConfirming(false)}>{t("labels.cancel")}</Button>
					<ErrorAlert error={removal.error} />
				</div>
			)}
		</li>
	);
}

/** The Labels page (admins): the catalogue, kept live by the inbox session, and a form for a new or edited label. */
export function LabelsPage() {
	const { t } = useI18n();
	const inbox = useInbox();
	const api = useMemo(() => createLabelsApi(session.request), []);
	const labels = useStore(inbox.labels, (state) => state.labels);
	const [editing, setEditing] = useState<LabelView | "new" | null>(null);
	const [notice, setNotice] = useState<string | null>(null);
	const changed = (message: string) => {
		setNotice(message);
		setEditing(null);
		// The socket's labels:changed reloads it as well; this covers a console that is offline.
		inbox.labels.reload().catch(logFailure("loading the labels"));
	};

	return (
		<div class="page page-wide labels-page">
			<h1 class="page-title">{t("labels.title")}</h1>
			<p class="muted">{t("labels.intro")}</p>
			<div class="labels-toolbar">
				<Button
					variant="primary"
					onClick={() => {
						setNotice(null);
						setEditing("new");
					}}
				>
					{t("labels.new")}
				</Button>
			</div>
			{editing !== null && (
				<LabelForm
					key={editing === "new" ? "new" : editing.id}
					api={api}
					editing={editing === "new" ? null : editing}
					count={labels?.length ?? 0}
					onSaved={() => changed(t("labels.saved"))}
					onCancel={() => setEditing(null)}
				/>
			)}
			{notice && <Notice>{notice}</Notice>}
			{labels === null ? (
				<p class="muted" role="status">
					{t("labels.loading")}
				</p>
			) : labels.length === 0 ? (
				<p class="muted">{t("labels.empty")}</p>
			) : (
				<ul class="record-list" aria-label={t("labels.list")}>
					{labels.map((label) => (
						<LabelItem key={label.id} label={label} api={api} onEdit={() => setEditing(label)} onDeleted={() => changed(t("labels.deleted"))} />
					))}
				</ul>
			)}
		</div>
	);
}
