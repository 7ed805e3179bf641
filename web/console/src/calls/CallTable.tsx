import type { CallHistoryEntry } from "../api/callsApi";
import { useI18n } from "../i18n";
import { accessLogOfCall, callHistoryRoute, followLink, routeHref } from "../router";
import { formatDuration } from "../../../shared/call/callPeer";
import { callDurationMs, describeEndReason, formatCallStart } from "./describeCall";

function RecordingsCell({ call }: { call: CallHistoryEntry }) {
	const { t } = useI18n();
	const count = call.recordings.length;
	// The files appear when the call ends; until then a recorded call says it is being recorded.
	if (count === 0 && call.status === "active" && call.recording !== "off") return <span class="recording-live">{t("callsPage.recordingNow")}</span>;
	if (count === 0) return <span class="muted">{t("callsPage.recordingsNone")}</span>;
	return <>{count === 1 ? t("callsPage.recordingsOne") : t("callsPage.recordingsMany", { count })}</>;
}

/**
 * Calls as a table: caller (a link to the call and its recordings), agent, start, duration, end
 * reason and recordings. Live calls count their duration up from `now`. With `accessLog` (admins),
 * each row links to the access log of that call.
 */
export function CallTable({
	calls,
	label,
	now,
	agentName,
	accessLog = false,
}: {
	calls: CallHistoryEntry[];
	label: string;
	now: number;
	agentName: (id: string) => string | undefined;
	accessLog?: boolean;
}) {
	const { t } = useI18n();
	const none = <span class="muted">{t("callsPage.none")}</span>;
	return (
		// Focusable so keyboard users can scroll the table sideways on a narrow screen.
		// biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard.
		<section class="table-scroll calls-table-scroll" aria-label={label} tabIndex={0}>
			<table class="table calls-table">
				<thead>
					<tr>
						<th scope="col">{t("callsPage.col.caller")}</th>
						<th scope="col">{t("callsPage.col.agent")}</th>
						<th scope="col">{t("callsPage.col.start")}</th>
						<th scope="col">{t("callsPage.col.duration")}</th>
						<th scope="col">{t("callsPage.col.status")}</th>
						<th scope="col">{t("callsPage.col.endReason")}</th>
						<th scope="col">{t("callsPage.col.recordings")}</th>
						{accessLog && <th scope="col">{t("accessLog.title")}</th>}
					</tr>
				</thead>
				<tbody>
					{calls.map((call) => {
						const duration = callDurationMs(call, now);
						const reason = describeEndReason(call.endReason, t, agentName);
						const route = callHistoryRoute(call.id);
						return (
							<tr key={call.id}>
								<td class="cell-strong">
									<a href={routeHref(route)} data-call-link={call.id} onClick={(event) => followLink(event, route)}>
										{call.visitor.name}
									</a>
								</td>
								<td>{call.agent ? call.agent.name : none}</td>
								<td>
									<time dateTime={call.createdAt}>{formatCallStart(call.createdAt)}</time>
								</td>
								<td class="cell-number">{duration === null ? none : formatDuration(duration)}</td>
								<td>
									<span class={`status-badge call-status-${call.status}`}>{t(`callStatus.${call.status}`)}</span>
								</td>
								<td>{reason ?? none}</td>
								<td>
									<RecordingsCell call={call} />
								</td>
								{accessLog && (
									<td>
										<a
											href={routeHref(accessLogOfCall(call.id))}
											aria-label={t("accessLog.ofCallNamed", { name: call.visitor.name })}
											onClick={(event) => followLink(event, accessLogOfCall(call.id))}
										>
											{t("accessLog.ofCall")}
										</a>
									</td>
								)}
							</tr>
						);
					})}
				</tbody>
			</table>
		</section>
	);
}
