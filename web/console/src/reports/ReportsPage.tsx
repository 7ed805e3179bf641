import type { ComponentChildren } from "preact";
import { useEffect, useId, useMemo, useState } from "preact/hooks";
import { type ReportTableName, reportCsvName, reportTableRows, toCsv } from "../../../../src/protocol/reportTables";
import { createReportsApi, type Report, type ReportFilter } from "../api/reportsApi";
import { useI18n } from "../i18n";
import { useInbox } from "../inbox/InboxContext";
import { session } from "../session/sessionStore";
import { useStore } from "../state/store";
import { Button } from "../ui/Button";
import { ErrorAlert } from "../ui/ErrorAlert";
import { useAsyncAction } from "../ui/useAsyncAction";
import { logFailure } from "../../../shared/logFailure";
import { BarChart } from "./BarChart";
import "./reports.css";

/** "45 s", "12 min 5 s", "3 h 20 min"; a dash when there is no figure. */
function formatSpan(ms: number | null): string {
	if (ms === null) return "—";
	const seconds = Math.round(ms / 1000);
	if (seconds < 60) return `${seconds} s`;
	const minutes = Math.floor(seconds / 60);
	if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
	return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** Saves one table of the report as a CSV file (the same file GET /api/reports/csv gives). */
function downloadCsv(report: Report, table: ReportTableName): void {
	const url = URL.createObjectURL(new Blob([toCsv(reportTableRows(report, table))], { type: "text/csv;charset=utf-8" }));
	const link = document.createElement("a");
	link.href = url;
	link.download = reportCsvName(report, table);
	document.body.append(link);
	link.click();
	link.remove();
	setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A titled card with its `Export CSV` button. */
function Section({ title, report, table, children }: { title: string; report: Report; table: ReportTableName; children: ComponentChildren }) {
	const { t } = useI18n();
	const headingId = useId();
	return (
		<section class="card report-section" aria-labelledby={headingId} data-report={table}>
			<div class="report-section-head">
				<h2 id={headingId}>{title}</h2>
				<Button onClick={() => downloadCsv(report, table)}>{t("reports.exportCsv")}</Button>
			</div>
			{children}
		</section>
	);
}

/** A table that scrolls sideways on a phone instead of widening the page. */
function ScrollTable({ label, children }: { label: string; children: ComponentChildren }) {
	return (
		// biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard.
		<section class="table-scroll" aria-label={label} tabIndex={0}>
			{children}
		</section>
	);
}

/** The weekday × hour table, each cell shaded by its share of the busiest cell. */
function Heatmap({ report }: { report: Report }) {
	const { t } = useI18n();
	const max = Math.max(1, ...report.busiestHours.flat());
	const caption = t("reports.hours.caption", { zone: report.timeZone });
	return (
		<ScrollTable label={caption}>
			<table class="table report-heatmap">
				<caption class="visually-hidden">{caption}</caption>
				<thead>
					<tr>
						<th scope="col">{t("reports.col.weekday")}</th>
						{Array.from({ length: 24 }, (_, hour) => (
							<th scope="col" key={hour}>
								{String(hour).padStart(2, "0")}
							</th>
						))}
					</tr>
				</thead>
				<tbody>
					{report.busiestHours.map((hours, day) => (
						<tr key={day}>
							<th scope="row">{t(`reports.weekday.${day}` as "reports.weekday.0")}</th>
							{hours.map((count, hour) => {
								const share = count / max;
								return (
									<td
										key={hour}
										class={share > 0.55 ? "heat heat-strong" : "heat"}
										style={{ "--heat": `${Math.round(share * 100)}%` }}
									>
										{count}
									</td>
								);
							})}
						</tr>
					))}
				</tbody>
			</table>
		</ScrollTable>
	);
}

const today = () => new Date().toISOString().slice(0, 10);

/** The `Reports` page: a date range, an inbox and an agent; charts and tables, each table exportable as CSV. */
export function ReportsPage() {
	const { t, language } = useI18n();
	const api = useMemo(() => createReportsApi(session.request), []);
	const { inboxes } = useInbox();
	const inboxList = useStore(inboxes, (s) => s.list);
	const fromId = useId();
	const toId = useId();
	const inboxFieldId = useId();
	const agentFieldId = useId();
	const [filter, setFilter] = useState<ReportFilter>({});
	const [report, setReport] = useState<Report | null>(null);
	const [agentOptions, setAgentOptions] = useState<Array<{ id: string; name: string }>>([]);
	const load = useAsyncAction();
	const { run } = load;

	useEffect(() => {
		run(() => api.report(filter))
			.then((result) => {
				if (!result) return;
				setReport(result.value);
				// The agents to pick from: everyone a report has listed (one agent's report lists only them).
				setAgentOptions((old) => {
					const byId = new Map(old.map((a) => [a.id, a.name]));
					for (const a of result.value.agents) byId.set(a.agentId, a.name);
					return [...byId].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name, language));
				});
			})
			.catch(logFailure("loading the report"));
	}, [api, run, filter, language]);

	const from = filter.from ?? report?.from ?? "";
	const to = filter.to ?? report?.to ?? "";
	const setRange = (key: "from" | "to", value: string) => {
		if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return;
		const next = { from, to, [key]: value };
		// A start after the end moves the other end with it.
		if (next.from > next.to) {
			if (key === "from") next.to = next.from;
			else next.from = next.to;
		}
		setFilter((old) => ({ ...old, ...next }));
	};
	const number = (value: number) => new Intl.NumberFormat(language).format(value);

	return (
		<div class="page reports-page">
			<h1 class="page-title">{t("reports.title")}</h1>
			<p class="muted">{t("reports.intro", { zone: report?.timeZone ?? "…" })}</p>
			<form class="card report-filters" aria-label={t("reports.filters")} onSubmit={(event) => event.preventDefault()}>
				<div class="field">
					<label for={fromId}>{t("reports.from")}</label>
					<input id={fromId} type="date" value={from} max={today()} onChange={(event) => setRange("from", event.currentTarget.value)} />
				</div>
				<div class="field">
					<label for={toId}>{t("reports.to")}</label>
					<input id={toId} type="date" value={to} onChange={(event) => setRange("to", event.currentTarget.value)} />
				</div>
				<div class="field">
					<label for={inboxFieldId}>{t("reports.inbox")}</label>
					<select
						id={inboxFieldId}
						class="select"
						value={filter.inboxId ?? ""}
						onChange={(event) => {
							const inboxId = event.currentTarget.value;
							setFilter((old) => ({ ...old, from, to, inboxId: inboxId || undefined }));
						}}
					>
						<option value="">{t("reports.allInboxes")}</option>
						{inboxList.map((inbox) => (
							<option key={inbox.id} value={inbox.id}>
								{inbox.name}
							</option>
						))}
					</select>
				</div>
				<div class="field">
					<label for={agentFieldId}>{t("reports.agent")}</label>
					<select
						id={agentFieldId}
						class="select"
						value={filter.agentId ?? ""}
						onChange={(event) => {
							const agentId = event.currentTarget.value;
							setFilter((old) => ({ ...old, from, to, agentId: agentId || undefined }));
						}}
					>
						<option value="">{t("reports.allAgents")}</option>
						{agentOptions.map((agent) => (
							<option key={agent.id} value={agent.id}>
								{agent.name}
							</option>
						))}
					</select>
				</div>
			</form>
			<ErrorAlert error={load.error} />
			{report === null ? (
				<p class="muted" role="status">
					{t("reports.loading")}
				</p>
			) : (
				<div class="report-grid" aria-busy={load.busy}>
					<Section title={t("reports.conversations.title")} report={report} table="conversations">
						<BarChart
							label={t("reports.conversations.chart")}
							labels={report.conversationsPerDay.map((d) => d.date.slice(5))}
							values={report.conversationsPerDay.map((d) => d.conversations)}
						/>
						<details>
							<summary>{t("reports.showTable")}</summary>
							<ScrollTable label={t("reports.conversations.title")}>
								<table class="table">
									<thead>
										<tr>
											<th scope="col">{t("reports.col.date")}</th>
											<th scope="col" class="cell-number">
												{t("reports.col.conversations")}
											</th>
										</tr>
									</thead>
									<tbody>
										{report.conversationsPerDay.map((d) => (
											<tr key={d.date}>
												<td>{d.date}</td>
												<td class="cell-number">{number(d.conversations)}</td>
											</tr>
										))}
									</tbody>
								</table>
							</ScrollTable>
						</details>
					</Section>

					<Section title={t("reports.times.title")} report={report} table="response-times">
						<ScrollTable label={t("reports.times.title")}>
							<table class="table">
								<thead>
									<tr>
										<th scope="col">{t("reports.col.measure")}</th>
										<th scope="col" class="cell-number">
											{t("reports.col.conversations")}
										</th>
										<th scope="col" class="cell-number">
											{t("reports.col.median")}
										</th>
										<th scope="col" class="cell-number">
											{t("reports.col.p90")}
										</th>
									</tr>
								</thead>
								<tbody>
									{(
										[
											["reports.times.first", report.firstResponse],
											["reports.times.resolution", report.resolution],
										] as const
									).map(([key, stats]) => (
										<tr key={key}>
											<th scope="row">{t(key)}</th>
											<td class="cell-number">{number(stats.count)}</td>
											<td class="cell-number">{formatSpan(stats.medianMs)}</td>
											<td class="cell-number">{formatSpan(stats.p90Ms)}</td>
										</tr>
									))}
								</tbody>
							</table>
						</ScrollTable>
					</Section>

					<Section title={t("reports.ratings.title")} report={report} table="ratings">
						<p class="report-figure">
							{report.ratings.average === null
								? t("reports.ratings.noneYet")
								: t("reports.ratings.summary", {
										average: new Intl.NumberFormat(language, { maximumFractionDigits: 2 }).format(report.ratings.average),
										count: number(report.ratings.count),
									})}
						</p>
						<BarChart
							label={t("reports.ratings.chart")}
							labels={report.ratings.distribution.map((d) => `${d.score}★`)}
							values={report.ratings.distribution.map((d) => d.count)}
							height={160}
						/>
						<ScrollTable label={t("reports.ratings.title")}>
							<table class="table">
								<thead>
									<tr>
										<th scope="col">{t("reports.col.score")}</th>
										<th scope="col" class="cell-number">
											{t("reports.col.ratings")}
										</th>
									</tr>
								</thead>
								<tbody>
									{report.ratings.distribution.map((d) => (
										<tr key={d.score}>
											<td>{d.score}</td>
											<td class="cell-number">{number(d.count)}</td>
										</tr>
									))}
								</tbody>
							</table>
						</ScrollTable>
					</Section>

					<Section title={t("reports.calls.title")} report={report} table="calls">
						<dl class="report-stats">
							{(
								[
									["reports.col.total", number(report.calls.total)],
									["reports.col.answered", number(report.calls.answered)],
									["reports.col.missed", number(report.calls.missed)],
									["reports.col.rejected", number(report.calls.rejected)],
									["reports.col.avgDuration", formatSpan(report.calls.averageDurationMs)],
									["reports.col.avgWait", formatSpan(report.calls.averageWaitMs)],
								] as const
							).map(([key, value]) => (
								<div key={key}>
									<dt>{t(key)}</dt>
									<dd>{value}</dd>
								</div>
							))}
						</dl>
					</Section>

					<Section title={t("reports.hours.title")} report={report} table="busiest-hours">
						<Heatmap report={report} />
					</Section>

					<Section title={t("reports.agents.title")} report={report} table="agents">
						{report.agents.length === 0 ? (
							<p class="muted">{t("reports.agents.none")}</p>
						) : (
							<ScrollTable label={t("reports.agents.title")}>
								<table class="table">
									<thead>
										<tr>
											<th scope="col">{t("reports.col.agent")}</th>
											<th scope="col" class="cell-number">
												{t("reports.col.online")}
											</th>
											<th scope="col" class="cell-number">
												{t("reports.col.handled")}
											</th>
											<th scope="col" class="cell-number">
												{t("reports.col.resolved")}
											</th>
										</tr>
									</thead>
									<tbody>
										{report.agents.map((a) => (
											<tr key={a.agentId}>
												<th scope="row">{a.name}</th>
												<td class="cell-number">{formatSpan(a.onlineMs)}</td>
												<td class="cell-number">{number(a.conversations)}</td>
												<td class="cell-number">{number(a.resolved)}</td>
											</tr>
										))}
									</tbody>
								</table>
							</ScrollTable>
						)}
					</Section>
				</div>
			)}
		</div>
	);
}
