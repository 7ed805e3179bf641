import { useEffect, useState } from "preact/hooks";
import type { CallbackView } from "../api/callbacksApi";
import { useI18n } from "../i18n";
import { useInbox } from "../inbox/InboxContext";
import { conversationRoute, followLink, routeHref } from "../router";
import { useStore } from "../state/store";
import { Button } from "../ui/Button";
import { ErrorAlert, Notice } from "../ui/ErrorAlert";
import { formatDateTime, formatSince } from "../ui/formatTime";
import { useAsyncAction } from "../ui/useAsyncAction";
import { logFailure } from "../../../shared/logFailure";

/** One request: who, the number to call (a tel: link for phones), the note, when, and `Mark done`. */
function CallbackItem({ callback, onDone }: { callback: CallbackView; onDone: () => void }) {
	const { t, language } = useI18n();
	const { callbacks } = useInbox();
	const action = useAsyncAction();
	const markDone = async () => {
		if (await action.run(() => callbacks.markDone(callback.id))) onDone();
	};
	return (
		<li class="record-item canned-item callback-item" data-callback={callback.id}>
			<div class="record-head">
				<strong>{callback.visitor.label}</strong>
				<span class="muted">
					{t("callbacks.asked")}: <time dateTime={callback.createdAt} title={formatDateTime(callback.createdAt, language)}>{formatSince(callback.createdAt, language)}</time>
				</span>
				<span class="record-actions">
					{callback.conversationId && (
						<a href={routeHref(conversationRoute(callback.conversationId))} onClick={(event) => followLink(event, conversationRoute(callback.conversationId ?? ""))}>
							{t("callbacks.conversation")}
						</a>
					)}
					<Button variant="primary" busy={action.busy} onClick={() => markDone().catch(logFailure("marking a call back done"))}>
						{t("callbacks.markDone")}
					</Button>
				</span>
			</div>
			<dl class="details">
				<div>
					<dt>{t("callbacks.phone")}</dt>
					<dd>
						<a href={`tel:${callback.phone.replace(/[^\d+]/g, "")}`}>{callback.phone}</a>
					</dd>
				</div>
				{callback.note && (
					<div>
						<dt>{t("callbacks.note")}</dt>
						<dd>{callback.note}</dd>
					</div>
				)}
			</dl>
			<ErrorAlert error={action.error} />
		</li>
	);
}

/** The `Call backs` page: open requests, oldest first, live as requests come and are done. */
export function CallbacksPage() {
	const { t } = useI18n();
	const { callbacks } = useInbox();
	const open = useStore(callbacks.store, (s) => s.open);
	const [notice, setNotice] = useState<string | null>(null);
	const loading = useAsyncAction();

	// Loaded again on each visit: the socket keeps it live while the console is open.
	useEffect(() => {
		loading.run(() => callbacks.reload()).catch(logFailure("loading call-back requests"));
	}, [callbacks]);

	return (
		<div class="page page-wide canned-page">
			<h1 class="page-title">{t("callbacks.title")}</h1>
			<p class="muted">{t("callbacks.intro")}</p>
			{notice && <Notice>{notice}</Notice>}
			<ErrorAlert error={loading.error} />
			{open === null ? (
				<p class="muted" role="status">
					{t("callbacks.loading")}
				</p>
			) : open.length === 0 ? (
				<p class="muted">{t("callbacks.empty")}</p>
			) : (
				<ul class="record-list" aria-label={t("callbacks.title")}>
					{open.map((callback) => (
						<CallbackItem key={callback.id} callback={callback} onDone={() => setNotice(t("callbacks.done"))} />
					))}
				</ul>
			)}
		</div>
	);
}
