import { useEffect, useState } from "preact/hooks";
import type { ManagedAgent } from "../api/types";
import { useI18n } from "../i18n";
import { accountApi } from "../session/sessionStore";
import { ErrorAlert } from "../ui/ErrorAlert";
import { useAsyncAction } from "../ui/useAsyncAction";
import { StatusBadge } from "./StatusBadge";
import { logFailure } from "../../../shared/logFailure";

/** Admins only: every agent with role, Telegram link and whether the account is active. */
export function AgentsTable({ headingId }: { headingId: string }) {
	const { t } = useI18n();
	const [agents, setAgents] = useState<ManagedAgent[] | null>(null);
	const action = useAsyncAction();
	const { run } = action;

	useEffect(() => {
		run(accountApi.listAgents).then((result) => {
			if (result) setAgents(result.value.agents);
		}, logFailure("loading the team"));
	}, [run]);

	if (action.error) return <ErrorAlert error={action.error} />;
	if (!agents) return <p class="muted">{t("app.loading")}</p>;
	if (agents.length === 0) return <p class="muted">{t("agents.empty")}</p>;
	return (
		// Focusable so keyboard users can scroll the table sideways on a narrow screen.
		// biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard.
		<section class="table-scroll" aria-labelledby={headingId} tabIndex={0}>
			<table class="table">
				<thead>
					<tr>
						<th scope="col">{t("agents.name")}</th>
						<th scope="col">{t("agents.username")}</th>
						<th scope="col">{t("agents.role")}</th>
						<th scope="col">{t("agents.telegram")}</th>
						<th scope="col">{t("agents.status")}</th>
					</tr>
				</thead>
				<tbody>
					{agents.map((agent) => (
						<tr key={agent.id}>
							<td class="cell-strong">{agent.name}</td>
							<td>{agent.username}</td>
							<td>{agent.isAdmin ? t("role.admin") : t("role.agent")}</td>
							<td>
								<StatusBadge on={agent.telegramLinked}>
									{agent.telegramLinked ? t("telegram.linked") : t("telegram.notLinked")}
								</StatusBadge>
							</td>
							<td>
								<StatusBadge on={!agent.disabledAt}>
									{agent.disabledAt ? t("agents.disabled") : t("agents.active")}
								</StatusBadge>
							</td>
						</tr>
					))}
				</tbody>
			</table>
		</section>
	);
}
