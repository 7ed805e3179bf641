import { useCallback, useEffect, useId, useMemo, useState } from "preact/hooks";
import type { AuditEntry } from "../../../../src/protocol/team";
import { createTeamApi } from "../api/teamApi";
import { useI18n } from "../i18n";
import { session } from "../session/sessionStore";
import { Button } from "../ui/Button";
import { ErrorAlert } from "../ui/ErrorAlert";
import { formatDateTime } from "../ui/formatTime";
import { TextField } from "../ui/TextField";
import { useAsyncAction } from "../ui/useAsyncAction";
import { logFailure } from "../../../shared/logFailure";
import { describeSettingsChanges } from "../settings/auditChanges";

// The actions an admin most often looks for; the log holds others too (shown unfiltered).
const ACTIONS = [
	"agent.created",
	"agent.invite_link_created",
	"agent.invite_accepted",
	"agent.disabled",
	"agent.enabled",
	"agent.role_changed",
	"agent.password_reset",
	"agent.password_reset_link_created",
	"agent.password_reset_used",
	"agent.second_factor_reset",
	"agent.links_revoked",
	"auth.recovery_codes_generated",
	"auth.recovery_code_used",
	"auth.password_failed",
	"contact.merge",
	"inbox.created",
	"inbox.renamed",
	"inbox.members_changed",
	"inbox.deleted",
	"settings.changed",
	"inbox.settings_changed",
] as const;

/** Admins: who did what, when, newest first, with filters and "Load more". */
export function AuditLogPage() {
	const { t, language } = useI18n();
	const api = useMemo(() => createTeamApi(session.request), []);
	const actionId = useId();
	const [actor, setActor] = useState("");
	const [action, setAction] = useState("");
	const [filters, setFilters] = useState<{ actor: string; action: string }>({ actor: "", action: "" });
	const [entries, setEntries] = useState<AuditEntry[] | null>(null);
	const [cursor, setCursor] = useState<string | null>(null);
	const load = useAsyncAction();
	const { run } = load;

	const fetchPage = useCallback(
		(after: string | null) =>
			run(() => api.audit({ actor: filters.actor, action: filters.action, ...(after ? { cursor: after } : {}) })).then((result) => {
				if (!result) return;
				setEntries((old) => [...(after && old ? old : []), ...result.value.entries]);
				setCursor(result.value.nextCursor);
			}),
		[api, run, filters],
	);
	useEffect(() => {
		fetchPage(null).catch(logFailure("loading the audit log"));
	}, [fetchPage]);

	const who = (entry: AuditEntry) =>
		entry.actor.name ?? (entry.actor.type === "system" ? t("audit.system") : entry.actor.type === "anonymous" ? t("audit.anonymous") : "—");

	return (
		<div class="page">
			<h1 class="page-title">{t("audit.title")}</h1>
			<form
				class="card audit-filters"
				aria-label={t("audit.filters")}
				onSubmit={(event) => {
					event.preventDefault();
					setFilters({ actor: actor.trim(), action });
				}}
			>
				<TextField label={t("audit.actor")} value={actor} onValue={setActor} name="actor" plain />
				<div class="field">
					<label for={actionId}>{t("audit.action")}</label>
					<select id={actionId} class="select" value={action} onChange={(event) => setAction(event.currentTarget.value)}>
						<option value="">{t("audit.anyAction")}</option>
						{ACTIONS.map((name) => (
							<option key={name} value={name}>
								{name}
							</option>
						))}
					</select>
				</div>
				<Button type="submit">{t("audit.apply")}</Button>
			</form>
			<ErrorAlert error={load.error} />
			<div class="card">
				{entries === null ? (
					<p class="muted">{t("app.loading")}</p>
				) : entries.length === 0 ? (
					<p class="muted">{t("audit.empty")}</p>
				) : (
					// biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard.
					<section class="table-scroll" aria-label={t("audit.table")} tabIndex={0}>
						<table class="table">
							<thead>
								<tr>
									<th scope="col">{t("audit.col.when")}</th>
									<th scope="col">{t("audit.col.who")}</th>
									<th scope="col">{t("audit.col.what")}</th>
									<th scope="col">{t("audit.col.target")}</th>
								</tr>
							</thead>
							<tbody>
								{entries.map((entry) => (
									<tr key={entry.id}>
										<td>{formatDateTime(entry.at, language)}</td>
										<td>{who(entry)}</td>
										<td>
											<code>{entry.action}</code>
											{describeSettingsChanges(entry.details) && <div class="muted">{describeSettingsChanges(entry.details)}</div>}
										</td>
										<td>{entry.target ? (entry.target.name ?? entry.target.id) : "—"}</td>
									</tr>
								))}
							</tbody>
						</table>
					</section>
				)}
				{cursor && (
					<Button busy={load.busy} onClick={() => fetchPage(cursor).catch(logFailure("loading more of the audit log"))}>
						{t("audit.loadMore")}
					</Button>
				)}
			</div>
		</div>
	);
}
