import { useEffect, useId, useMemo, useState } from "preact/hooks";
import type { InboxesApi, InboxView } from "../api/inboxesApi";
import type { TeamMember } from "../../../../src/protocol/team";
import { createTeamApi } from "../api/teamApi";
import { useI18n } from "../i18n";
import { session } from "../session/sessionStore";
import { Button } from "../ui/Button";
import { ErrorAlert, Notice } from "../ui/ErrorAlert";
import { useAsyncAction } from "../ui/useAsyncAction";
import { logFailure } from "../../../shared/logFailure";

/** Who answers an inbox: a checkbox per team member, saved as a whole with `Save members`. */
export function InboxMembersForm({ inbox, api, onChanged }: { inbox: InboxView; api: InboxesApi; onChanged: (inbox: InboxView) => void }) {
	const { t } = useI18n();
	const titleId = useId();
	const teamApi = useMemo(() => createTeamApi(session.request), []);
	const [team, setTeam] = useState<TeamMember[] | null>(null);
	const [chosen, setChosen] = useState<Set<string>>(() => new Set(inbox.memberIds));
	const [saved, setSaved] = useState(false);
	const loading = useAsyncAction();
	const saving = useAsyncAction();

	useEffect(() => {
		loading
			.run(() => teamApi.members())
			.then((result) => {
				if (result) setTeam(result.value.members.filter((m) => m.status !== "disabled"));
			})
			.catch(logFailure("loading the team"));
	}, []);

	const toggle = (id: string, on: boolean) => {
		setSaved(false);
		setChosen((current) => {
			const next = new Set(current);
			if (on) next.add(id);
			else next.delete(id);
			return next;
		});
	};

	async function save(event: SubmitEvent) {
		event.preventDefault();
		const result = await saving.run(() => api.setMembers(inbox.id, [...chosen]));
		if (!result) return;
		setSaved(true);
		onChanged(result.value);
	}

	return (
		<form class="card inbox-members" aria-labelledby={titleId} onSubmit={(event) => save(event).catch(logFailure("saving inbox members"))}>
			<h2 id={titleId}>{t("inboxes.membersTitle")}</h2>
			<p class="field-hint">{t("inboxes.membersHint")}</p>
			<ErrorAlert error={loading.error} />
			{team === null ? (
				<p class="muted" role="status">
					{t("app.loading")}
				</p>
			) : (
				<ul class="inbox-member-list">
					{team.map((member) => (
						<li key={member.id}>
							<label class="checkbox">
								<input type="checkbox" checked={chosen.has(member.id)} onChange={(event) => toggle(member.id, event.currentTarget.checked)} />
								<span>{member.name}</span>
								<span class="muted">
									{" "}
									@{member.username}
									{member.role === "admin" ? ` · ${t("inboxes.admin")}` : ""}
								</span>
							</label>
						</li>
					))}
				</ul>
			)}
			<ErrorAlert error={saving.error} />
			{saved && <Notice>{t("inboxes.membersSaved")}</Notice>}
			<Button type="submit" variant="primary" busy={saving.busy} disabled={team === null}>
				{t("inboxes.saveMembers")}
			</Button>
		</form>
	);
}
