import { useEffect, useMemo, useState } from "preact/hooks";
import { matchesCannedQuery } from "../../../../src/protocol/cannedReplyText";
import { type CannedApi, type CannedReplyView, createCannedApi } from "../api/cannedApi";
import type { Agent } from "../api/types";
import { useI18n } from "../i18n";
import { session } from "../session/sessionStore";
import { Button } from "../ui/Button";
import { ErrorAlert, Notice } from "../ui/ErrorAlert";
import { useAsyncAction } from "../ui/useAsyncAction";
import { CannedReplyForm } from "./CannedReplyForm";
import { logFailure } from "../../../shared/logFailure";

/** One reply in the list, with Edit and Delete (asked once more) for those the agent may change. */
function CannedReplyItem({ reply, api, onEdit, onDeleted }: { reply: CannedReplyView; api: CannedApi; onEdit: () => void; onDeleted: () => void }) {
	const { t } = useI18n();
	const [confirming, setConfirming] = useState(false);
	const removal = useAsyncAction();
	const remove = async () => {
		if (await removal.run(() => api.remove(reply.id))) onDeleted();
	};
	return (
		<li class="record-item canned-item">
			<div class="record-head">
				<code class="canned-shortcut">/{reply.shortcut}</code>
				<span class="canned-badge">{t(`canned.scope.${reply.scope}`)}</span>
				{reply.editable && !confirming && (
					<span class="record-actions">
						<Button variant="link" onClick={onEdit}>
							<span aria-hidden="true">{t("canned.editButton")}</span>
							<span class="visually-hidden">{t("canned.edit", { shortcut: reply.shortcut })}</span>
						</Button>
						<Button variant="link" onClick={() => setConfirming(true)}>
							<span aria-hidden="true">{t("canned.deleteButton")}</span>
							<span class="visually-hidden">{t("canned.delete", { shortcut: reply.shortcut })}</span>
						</Button>
					</span>
				)}
			</div>
			<p class="canned-item-text">{reply.text}</p>
			{confirming && (
				<div class="action-row">
					<p>{t("canned.confirmDelete", { shortcut: reply.shortcut })}</p>
					<Button variant="danger" busy={removal.busy} onClick={() => remove().catch(logFailure("deleting a canned reply"))}>
						{t("canned.confirmDeleteYes")}
					</Button>
					<Button onClick={() => setConfirming(false)}>{t("canned.cancel")}</Button>
					<ErrorAlert error={removal.error} />
				</div>
			)}
		</li>
	);
}

/** The Canned replies page: search, the list, and a form for a new or edited reply. */
export function CannedRepliesPage({ agent }: { agent: Agent }) {
	const { t } = useI18n();
	const api = useMemo(() => createCannedApi(session.request), []);
	const [replies, setReplies] = useState<CannedReplyView[] | null>(null);
	const [query, setQuery] = useState("");
	const [editing, setEditing] = useState<CannedReplyView | "new" | null>(null);
	const [notice, setNotice] = useState<string | null>(null);
	const loading = useAsyncAction();

	const reload = () => {
		loading
			.run(() => api.list())
			.then((result) => {
				if (result) setReplies(result.value);
			})
			.catch(logFailure("loading canned replies"));
	};
	// Fetched each time the page opens; nothing pushes changes to this list.
	useEffect(reload, []);

	const shown = (replies ?? []).filter((reply) => matchesCannedQuery(reply, query));
	return (
		<div class="page page-wide canned-page">
			<h1 class="page-title">{t("canned.title")}</h1>
			<p class="muted">{t("canned.intro")}</p>
			<div class="canned-toolbar">
				<input
					type="search"
					class="list-search"
					aria-label={t("canned.search")}
					placeholder={t("canned.search")}
					value={query}
					onInput={(event) => setQuery(event.currentTarget.value)}
				/>
				<Button
					variant="primary"
					onClick={() => {
						setNotice(null);
						setEditing("new");
					}}
				>
					{t("canned.new")}
				</Button>
			</div>
			{editing !== null && (
				<CannedReplyForm
					key={editing === "new" ? "new" : editing.id}
					api={api}
					isAdmin={agent.isAdmin}
					editing={editing === "new" ? null : editing}
					onSaved={() => {
						setNotice(t("canned.saved"));
						setEditing(null);
						reload();
					}}
					onCancel={() => setEditing(null)}
				/>
			)}
			{notice && <Notice>{notice}</Notice>}
			<ErrorAlert error={loading.error} />
			{replies === null ? (
				<p class="muted" role="status">
					{t("canned.loading")}
				</p>
			) : shown.length === 0 ? (
				<p class="muted">{replies.length === 0 ? t("canned.empty") : t("canned.noMatch")}</p>
			) : (
				<ul class="record-list" aria-label={t("canned.list")}>
					{shown.map((reply) => (
						<CannedReplyItem key={reply.id} reply={reply} api={api} onEdit={() => setEditing(reply)} onDeleted={() => {
								setNotice(t("canned.deleted"));
								reload();
							}}
						/>
					))}
				</ul>
			)}
		</div>
	);
}
