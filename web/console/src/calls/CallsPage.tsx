import { useEffect, useId, useMemo, useState } from "preact/hooks";
import type { CallHistoryStatus } from "../api/callsApi";
import { useI18n } from "../i18n";
import { useInbox } from "../inbox/InboxContext";
import { useStore } from "../state/store";
import { Button } from "../ui/Button";
import { ErrorAlert } from "../ui/ErrorAlert";
import type { CallHistoryStore, CallsTab } from "./callHistoryStore";
import { CallTable } from "./CallTable";
import { formatCallStart } from "./describeCall";
import { logFailure } from "../../../shared/logFailure";

const TABS: readonly CallsTab[] = ["pending", "live", "history"];
const STATUSES: readonly CallHistoryStatus[] = ["queued", "active", "ended", "missed", "rejected"];

function isStatus(value: string): value is CallHistoryStatus {
	return (STATUSES as readonly string[]).includes(value);
}

/** The current time, once a second while `enabled`: live calls count up. */
function useNow(enabled: boolean): number {
	const [now, setNow] = useState(Date.now);
	useEffect(() => {
		if (!enabled) return;
		setNow(Date.now());
		const timer = setInterval(() => setNow(Date.now()), 1000);
		return () => clearInterval(timer);
	}, [enabled]);
	return now;
}

/** Names of agents for "Rejected by …": the team list, plus every agent seen on a loaded call. */
function useAgentNames(history: CallHistoryStore): (id: string) => string | undefined {
	const inbox = useInbox();
	const team = useStore(inbox.team, (s) => s.agents);
	const calls = useStore(history.store, (s) => s.calls);
	const live = useStore(history.store, (s) => s.live);
	return useMemo(() => {
		const names = new Map<string, string>();
		for (const call of [...(calls ?? []), ...(live ?? [])]) if (call.agent) names.set(call.agent.id, call.agent.name);
		for (const agent of team ?? []) names.set(agent.id, agent.name);
		return (id: string) => names.get(id);
	}, [team, calls, live]);
}

function PendingCalls() {
	const { t } = useI18n();
	const { calls } = useInbox();
	const { queue, accepting, active } = useStore(calls.store, (s) => s);
	if (queue.length === 0) return <p class="muted calls-empty">{t("callsPage.pendingEmpty")}</p>;
	const busy = accepting !== null || active !== null;
	return (
		// biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard.
		<section class="table-scroll calls-table-scroll" aria-label={t("callsPage.pendingTable")} tabIndex={0}>
			<table class="table calls-table">
				<thead>
					<tr>
						<th scope="col">{t("callsPage.col.caller")}</th>
						<th scope="col">{t("callsPage.col.position")}</th>
						<th scope="col">{t("callsPage.col.type")}</th>
						<th scope="col">{t("callsPage.col.start")}</th>
						<th scope="col">{t("callsPage.col.actions")}</th>
					</tr>
				</thead>
				<tbody>
					{queue.map(({ call, position }) => (
						<tr key={call.id}>
							<td class="cell-strong">{call.visitor.name}</td>
							<td class="cell-number">{position}</td>
							<td>{t(call.media === "video" ? "calls.video" : "calls.audio")}</td>
							<td>
								<time dateTime={call.createdAt}>{formatCallStart(call.createdAt)}</time>
							</td>
							<td class="calls-actions">
								<button
									type="button"
									class="button button-primary button-compact"
									disabled={busy}
									aria-label={t("callsPage.acceptCall", { name: call.visitor.name })}
									onClick={() => {
							calls.accept(call).catch(logFailure("accepting the call"));
						}}
								>
									{t("calls.accept")}
								</button>
								<button
									type="button"
									class="button button-secondary button-compact"
									disabled={busy}
									aria-label={t("callsPage.rejectCall", { name: call.visitor.name })}
									onClick={() => calls.reject(call.id)}
								>
									{t("calls.reject")}
								</button>
							</td>
						</tr>
					))}
				</tbody>
			</table>
		</section>
	);
}

function LiveCalls({ history, agentName }: { history: CallHistoryStore; agentName: (id: string) => string | undefined }) {
	const { t } = useI18n();
	const { live, liveError } = useStore(history.store, (s) => s);
	const now = useNow(true);
	if (liveError) return <ErrorAlert error={liveError} />;
	if (!live) return <p class="muted calls-empty" role="status">{t("callsPage.loading")}</p>;
	if (live.length === 0) return <p class="muted calls-empty">{t("callsPage.liveEmpty")}</p>;
	return <CallTable calls={live} label={t("callsPage.liveTable")} now={now} agentName={agentName} />;
}

function HistoryFilters({ history }: { history: CallHistoryStore }) {
	const { t } = useI18n();
	const team = useStore(useInbox().team, (s) => s.agents);
	const filters = useStore(history.store, (s) => s.filters);
	const statusId = useId();
	const agentId = useId();
	return (
		<fieldset class="calls-filters">
			<legend class="visually-hidden">{t("callsPage.filters")}</legend>
			<div class="calls-filter">
				<label for={statusId}>{t("callsPage.statusFilter")}</label>
				<select
					id={statusId}
					value={filters.status ?? ""}
					onChange={(event) => {
						const value = event.currentTarget.value;
						history.setFilters({ status: isStatus(value) ? value : null });
					}}
				>
					<option value="">{t("callsPage.anyStatus")}</option>
					{STATUSES.map((status) => (
						<option key={status} value={status}>
							{t(`callStatus.${status}`)}
						</option>
					))}
				</select>
			</div>
			<div class="calls-filter">
				<label for={agentId}>{t("callsPage.agentFilter")}</label>
				<select
					id={agentId}
					value={filters.agentId ?? ""}
					onChange={(event) => history.setFilters({ agentId: event.currentTarget.value || null })}
				>
					<option value="">{t("callsPage.anyAgent")}</option>
					{(team ?? []).map((agent) => (
						<option key={agent.id} value={agent.id}>
							{agent.name}
						</option>
					))}
				</select>
			</div>
		</fieldset>
	);
}

function HistoryCalls({ history, agentName, isAdmin }: { history: CallHistoryStore; agentName: (id: string) => string | undefined; isAdmin: boolean }) {
	const { t } = useI18n();
	const { calls, nextCursor, loading, error } = useStore(history.store, (s) => s);
	const now = useNow(calls?.some((c) => c.status === "active") ?? false);
	return (
		<>
			<HistoryFilters history={history} />
			<ErrorAlert error={error} />
			<p class="muted calls-empty" role="status">
				{loading ? t("callsPage.loading") : calls?.length === 0 ? t("callsPage.historyEmpty") : ""}
			</p>
			{calls && calls.length > 0 && <CallTable calls={calls} label={t("callsPage.historyTable")} now={now} agentName={agentName} accessLog={isAdmin} />}
			{nextCursor && (
				<div class="calls-more">
					<Button busy={loading} onClick={history.loadMore}>
						{t("callsPage.loadMore")}
					</Button>
				</div>
			)}
		</>
	);
}

/** Pending calls (the live queue), live calls and the call history, one tab at a time (admins get each past call's Access log link). */
export function CallsPage({ history, isAdmin = false }: { history: CallHistoryStore; isAdmin?: boolean }) {
	const { t } = useI18n();
	const inbox = useInbox();
	const tab = useStore(history.store, (s) => s.tab);
	const queue = useStore(inbox.calls.store, (s) => s.queue);
	const active = useStore(inbox.calls.store, (s) => s.active);
	const agentName = useAgentNames(history);

	useEffect(() => {
		inbox.loadTeam().catch(() => {});
	}, [inbox]);

	// The queue or the agent's own call changed, so some call started, was answered or ended:
	// refresh the live list and the first page of history (a deeper page is left as the agent paged it).
	useEffect(() => {
		history.refreshLive().catch(logFailure("refreshing the live calls"));
		history.refreshHistory();
	}, [history, queue, active]);

	// Back from a call's page: focus returns to its row, so keyboard users keep their place.
	useEffect(() => {
		const opened = history.store.get().lastOpened;
		if (!opened) return;
		const link = document.querySelector<HTMLElement>(`[data-call-link="${CSS.escape(opened)}"]`);
		link?.focus();
	}, [history]);

	return (
		<div class="page page-wide calls-page">
			<h1 class="page-title">{t("callsPage.title")}</h1>
			<fieldset class="status-tabs calls-tabs">
				<legend class="visually-hidden">{t("callsPage.sections")}</legend>
				{TABS.map((item) => (
					<button key={item} type="button" class="status-tab" aria-pressed={tab === item} onClick={() => history.setTab(item)}>
						{t(`callsPage.tab.${item}`)}
						{item === "pending" && <span class="status-count">{queue.length}</span>}
					</button>
				))}
			</fieldset>
			<section class="card calls-card" aria-label={t(`callsPage.tab.${tab}`)}>
				{tab === "pending" && <PendingCalls />}
				{tab === "live" && <LiveCalls history={history} agentName={agentName} />}
				{tab === "history" && <HistoryCalls history={history} agentName={agentName} isAdmin={isAdmin} />}
			</section>
		</div>
	);
}
