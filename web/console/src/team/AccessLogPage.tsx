import { useCallback, useEffect, useId, useMemo, useState } from "preact/hooks";
import type { AccessLogEntry, AccessLogFilter } from "../../../../src/protocol/accessLog";
import type { TeamMember } from "../../../../src/protocol/team";
import { createAccessLogApi } from "../api/accessLogApi";
import { createTeamApi } from "../api/teamApi";
import { useI18n } from "../i18n";
import { callHistoryRoute, conversationRoute, followLink, routeHref } from "../router";
import { session } from "../session/sessionStore";
import { Button } from "../ui/Button";
import { ErrorAlert } from "../ui/ErrorAlert";
import { formatDateTime } from "../ui/formatTime";
import { TextField } from "../ui/TextField";
import { useAsyncAction } from "../ui/useAsyncAction";
import { logFailure } from "../../../shared/logFailure";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The start of a day picked in a date input, in the browser's time zone, as an ISO time. */
const dayStart = (day: string, plusDays = 0): string | undefined => {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
	const [y, m, d] = day.split("-").map(Number) as [number, number, number];
	return new Date(y, m - 1, d + plusDays).toISOString();
};

interface Form {
	agentId: string;
	callId: string;
	from: string;
	to: string;
}

/** The filters the page opened with: `?callId=` from a call's "Access log" link. */
function initialForm(): Form {
	const params = new URLSearchParams(location.search);
	const callId = params.get("callId") ?? "";
	return { agentId: params.get("agentId") ?? "", callId: UUID.test(callId) ? callId : "", from: "", to: "" };
}

/** The API filter of the form: the "to" day is included whole. */
function filterOf(form: Form): AccessLogFilter {
	const from = dayStart(form.from);
	const to = dayStart(form.to, 1);
	return {
		...(form.agentId ? { agentId: form.agentId } : {}),
		...(UUID.test(form.callId.trim()) ? { callId: form.callId.trim() } : {}),
		...(from ? { from } : {}),
		...(to ? { to } : {}),
	};
}

/** Admins: who played or downloaded which recording or attachment, when and from where; filters, "Load more" and a CSV export. */
export function AccessLogPage() {
	const { t, language } = useI18n();
	const api = useMemo(() => createAccessLogApi(session.request, session.accessToken, session.refresh), []);
	const teamApi = useMemo(() => createTeamApi(session.request), []);
	const agentFieldId = useId();
	const fromId = useId();
	const toId = useId();
	const [form, setForm] = useState<Form>(initialForm);
	const [filter, setFilter] = useState<AccessLogFilter>(() => filterOf(form));
	const [members, setMembers] = useState<TeamMember[]>([]);
	const [entries, setEntries] = useState<AccessLogEntry[] | null>(null);
	const [cursor, setCursor] = useState<string | null>(null);
	const load = useAsyncAction();
	const exporting = useAsyncAction();
	const { run } = load;
	const set = (key: keyof Form) => (value: string) => setForm((old) => ({ ...old, [key]: value }));

	useEffect(() => {
		teamApi
			.members()
			.then((result) => setMembers(result.members))
			.catch(logFailure("loading the team for the access log"));
	}, [teamApi]);

	const fetchPage = useCallback(
		(after: string | null) =>
			run(() => api.page({ ...filter, ...(after ? { cursor: after } : {}) })).then((result) => {
				if (!result) return;
				setEntries((old) => [...(after && old ? old : []), ...result.value.entries]);
				setCursor(result.value.nextCursor);
			}),
		[api, run, filter],
	);
	useEffect(() => {
		fetchPage(null).catch(logFailure("loading the access log"));
	}, [fetchPage]);

	const exportCsv = () =>
		exporting
			.run(() => api.exportCsv(filter))
			.then((result) => {
				if (!result) return;
				const url = URL.createObjectURL(result.value);
				const link = document.createElement("a");
				link.href = url;
				link.download = `access-log-${new Date().toISOString().slice(0, 10)}.csv`;
				document.body.append(link);
				link.click();
				link.remove();
				setTimeout(() => URL.revokeObjectURL(url), 60_000);
			});

	const item = (entry: AccessLogEntry) => {
		const kind = t(entry.kind === "recording" ? "accessLog.kind.recording" : "accessLog.kind.attachment");
		if (entry.callId) {
			const route = callHistoryRoute(entry.callId);
			return (
				<a href={routeHref(route)} onClick={(event) => followLink(event, route)}>
					{kind}
				</a>
			);
		}
		if (entry.conversationId) {
			const route = conversationRoute(entry.conversationId);
			return (
				<a href={routeHref(route)} onClick={(event) => followLink(event, route)}>
					{kind}
				</a>
			);
		}
		return kind;
	};

	return (
		<div class="page">
			<h1 class="page-title">{t("accessLog.title")}</h1>
			<p class="muted">{t("accessLog.intro")}</p>
			<form
				class="card audit-filters"
				aria-label={t("accessLog.filters")}
				onSubmit={(event) => {
					event.preventDefault();
					setFilter(filterOf(form));
				}}
			>
				<div class="field">
					<label for={agentFieldId}>{t("accessLog.agent")}</label>
					<select id={agentFieldId} class="select" value={form.agentId} onChange={(event) => set("agentId")(event.currentTarget.value)}>
						<option value="">{t("accessLog.anyAgent")}</option>
						{members.map((member) => (
							<option key={member.id} value={member.id}>
								{member.name}
							</option>
						))}
					</select>
				</div>
				<TextField label={t("accessLog.callId")} value={form.callId} onValue={set("callId")} name="callId" plain />
				<div class="field">
					<label for={fromId}>{t("accessLog.from")}</label>
					<input id={fromId} type="date" value={form.from} onInput={(event) => set("from")(event.currentTarget.value)} />
				</div>
				<div class="field">
					<label for={toId}>{t("accessLog.to")}</label>
					<input id={toId} type="date" value={form.to} onInput={(event) => set("to")(event.currentTarget.value)} />
				</div>
				<Button type="submit">{t("accessLog.apply")}</Button>
				<Button busy={exporting.busy} onClick={() => exportCsv().catch(logFailure("exporting the access log"))}>
					{t("accessLog.export")}
				</Button>
			</form>
			<ErrorAlert error={load.error ?? exporting.error} />
			<div class="card">
				{entries === null ? (
					<p class="muted">{t("app.loading")}</p>
				) : entries.length === 0 ? (
					<p class="muted">{t("accessLog.empty")}</p>
				) : (
					// biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard.
					<section class="table-scroll" aria-label={t("accessLog.table")} tabIndex={0}>
						<table class="table access-log-table">
							<thead>
								<tr>
									<th scope="col">{t("accessLog.col.when")}</th>
									<th scope="col">{t("accessLog.col.who")}</th>
									<th scope="col">{t("accessLog.col.action")}</th>
									<th scope="col">{t("accessLog.col.item")}</th>
									<th scope="col">{t("accessLog.col.where")}</th>
								</tr>
							</thead>
							<tbody>
								{entries.map((entry) => (
									<tr key={entry.id}>
										<td>
											<time dateTime={entry.at}>{formatDateTime(entry.at, language)}</time>
										</td>
										<td>{entry.agent.name}</td>
										<td>{t(entry.action === "download" ? "accessLog.action.download" : "accessLog.action.play")}</td>
										<td>{item(entry)}</td>
										<td>
											{entry.ip ?? "—"}
											{entry.userAgent && <div class="muted access-log-agent">{entry.userAgent}</div>}
										</td>
									</tr>
								))}
							</tbody>
						</table>
					</section>
				)}
				{cursor && (
					<Button busy={load.busy} onClick={() => fetchPage(cursor).catch(logFailure("loading more of the access log"))}>
						{t("accessLog.loadMore")}
					</Button>
				)}
			</div>
		</div>
	);
}
