import { useEffect, useId, useRef } from "preact/hooks";
import { CallUsage } from "../calls/CallCenterView";
import { useI18n } from "../i18n";
import { NotificationPrompt } from "../notifications/NotificationPrompt";
import { useStore } from "../state/store";
import { Button } from "../ui/Button";
import { ErrorAlert } from "../ui/ErrorAlert";
import { ConnectionStatus } from "./ConnectionStatus";
import { ConversationListItem } from "./ConversationListItem";
import { useInbox } from "./InboxContext";
import { ListFilterBar, StatusTabs } from "./ListControls";
import { showFiltersInUrl } from "./listFilterQuery";
import { logFailure } from "../../../shared/logFailure";

/** Loads the next page when its "Load more" button scrolls into view; the button works too. */
function LoadMore({ busy, onLoad }: { busy: boolean; onLoad: () => void }) {
	const { t } = useI18n();
	const ref = useRef<HTMLDivElement>(null);
	useEffect(() => {
		const element = ref.current;
		if (!element) return;
		const observer = new IntersectionObserver((entries) => {
			if (entries.some((entry) => entry.isIntersecting)) onLoad();
		});
		observer.observe(element);
		return () => observer.disconnect();
		// Re-observing after each page reports the button again if it is still in view.
	}, [onLoad, busy]);
	return (
		<div class="load-more" ref={ref}>
			<Button busy={busy} onClick={onLoad}>
				{busy ? t("app.loading") : t("list.loadMore")}
			</Button>
		</div>
	);
}

/** The conversation list column: status tabs, search and filter, rows, paging. */
export function ConversationList({ selectedId }: { selectedId: string | null }) {
	const { t } = useI18n();
	const inbox = useInbox();
	const { list } = inbox;
	const state = useStore(list, (value) => value);
	const headingId = useId();

	useEffect(() => {
		// The socket's connect handler reloads too; this covers a page shown before it connects.
		list.reload().catch(logFailure("reloading the inbox"));
		list.refreshCounts().catch(logFailure("refreshing the inbox counts"));
	}, [list]);

	const { filters, conversations, phase } = state;
	// The URL names the filters (bookmarkable); opening a conversation changes the path, so again then.
	useEffect(() => showFiltersInUrl(filters), [filters, selectedId]);
	const narrowed = filters.assignee !== "all" || filters.inbox !== "" || filters.label !== "" || filters.status === "all";
	const emptyText = filters.q ? t("list.noResults") : filters.status === "all" || narrowed ? t("filter.noMatch") : t(`list.empty.${filters.status}`);
	return (
		<section class="inbox-list" aria-labelledby={headingId}>
			<div class="list-header">
				<div class="list-title-row">
					<h2 id={headingId} class="list-title">
						{t("list.title")}
					</h2>
					<ConnectionStatus />
				</div>
				<CallUsage />
				<StatusTabs current={filters.status} counts={state.counts} onSelect={(status) => list.setFilters({ status })} />
				<ListFilterBar filters={filters} onChange={list.setFilters} />
				<NotificationPrompt />
			</div>
			<div class="list-scroll">
				{phase === "loading" && (
					<p class="list-note" role="status">
						{t("app.loading")}
					</p>
				)}
				{phase === "error" && (
					<div class="list-note stack">
						<ErrorAlert error={state.error} />
						<Button onClick={() => list.reload().catch(logFailure("reloading the inbox"))}>{t("common.retry")}</Button>
					</div>
				)}
				{phase === "ready" && conversations.length === 0 && <p class="list-note muted">{emptyText}</p>}
				{conversations.length > 0 && (
					<ul class="conversation-items">
						{conversations.map((conversation) => (
							<ConversationListItem
								key={conversation.id}
								conversation={conversation}
								match={state.matches[conversation.id]}
								selected={conversation.id === selectedId}
							/>
						))}
					</ul>
				)}
				{phase === "ready" && state.error && conversations.length > 0 && <ErrorAlert error={state.error} />}
				{state.nextCursor && phase === "ready" && <LoadMore busy={state.loadingMore} onLoad={list.loadMore} />}
			</div>
		</section>
	);
}
