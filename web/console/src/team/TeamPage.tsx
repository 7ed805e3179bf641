import { useCallback, useEffect, useMemo, useState } from "preact/hooks";
import type { OneTimeLink, TeamMember } from "../../../../src/protocol/team";
import { createTeamApi } from "../api/teamApi";
import type { Agent } from "../api/types";
import { useI18n } from "../i18n";
import { session } from "../session/sessionStore";
import { Button } from "../ui/Button";
import { CopyableText } from "../ui/CopyableText";
import { ErrorAlert } from "../ui/ErrorAlert";
import { formatDateTime } from "../ui/formatTime";
import { useAsyncAction } from "../ui/useAsyncAction";
import { InviteForm } from "./InviteForm";
import { type MemberAction, MemberCard } from "./MemberCard";
import { logFailure } from "../../../shared/logFailure";

interface ShownLink extends OneTimeLink {
	kind: "invite" | "reset";
	name: string;
}

/** Admins: everyone on the team, inviting, enabling, roles and resets. */
export function TeamPage({ agent }: { agent: Agent }) {
	const { t, language } = useI18n();
	const api = useMemo(() => createTeamApi(session.request), []);
	const [members, setMembers] = useState<TeamMember[] | null>(null);
	const [inviting, setInviting] = useState(false);
	const [shownLink, setShownLink] = useState<ShownLink | null>(null);
	const load = useAsyncAction();
	const act = useAsyncAction();
	const { run } = load;

	const reload = useCallback(() => {
		run(api.members).then((result) => {
			if (result) setMembers(result.value.members);
		}, logFailure("loading the team"));
	}, [api, run]);
	useEffect(reload, [reload]);

	async function onAction(member: TeamMember, action: MemberAction) {
		const { username, name } = member;
		if (action === "disable" && !confirm(t("team.confirmDisable", { name }))) return;
		if (action === "resetFactor" && !confirm(t("team.confirmResetFactor", { name }))) return;
		const tasks: Record<MemberAction, () => Promise<unknown>> = {
			disable: () => api.disable(username),
			enable: () => api.enable(username),
			makeAdmin: () => api.setRole(username, "admin"),
			makeAgent: () => api.setRole(username, "agent"),
			resetFactor: () => api.resetSecondFactor(username),
			revokeInvite: () => api.revokeLinks(username),
			resendInvite: async () => setShownLink({ ...(await api.resendInvite(username)), kind: "invite", name }),
			resetPassword: async () => setShownLink({ ...(await api.passwordResetLink(username)), kind: "reset", name }),
		};
		if (await act.run(tasks[action])) reload();
	}

	return (
		<div class="page">
			<div class="page-header">
				<h1 class="page-title">{t("team.title")}</h1>
				{!inviting && (
					<Button variant="primary" onClick={() => {
						setShownLink(null);
						setInviting(true);
					}}>
						{t("team.invite")}
					</Button>
				)}
			</div>

			{inviting && (
				<section class="card">
					<InviteForm
						invite={api.invite}
						onCancel={() => setInviting(false)}
						onInvited={(response) => {
							setInviting(false);
							setShownLink({ ...response.invite, kind: "invite", name: response.member.name });
							reload();
						}}
					/>
				</section>
			)}

			{shownLink && (
				<section class="card stack" aria-live="polite">
					<CopyableText
						label={t(shownLink.kind === "invite" ? "team.inviteLink" : "team.resetLink", { name: shownLink.name })}
						value={shownLink.link}
					/>
					<p class="muted">{t("team.linkOnce", { time: formatDateTime(shownLink.expiresAt, language) })}</p>
					<div class="setting-actions">
						<Button onClick={() => setShownLink(null)}>{t("team.done")}</Button>
					</div>
				</section>
			)}

			<ErrorAlert error={load.error ?? act.error} />
			<section class="card" aria-labelledby="team-members-heading">
				<h2 id="team-members-heading">{t("team.members")}</h2>
				{!members ? (
					<p class="muted">{t("app.loading")}</p>
				) : (
					<ul class="member-list">
						{members.map((member) => (
							<MemberCard
								key={member.id}
								member={member}
								isSelf={member.id === agent.id}
								busy={act.busy}
								onAction={(action) => {
									onAction(member, action).catch(logFailure("changing a team member"));
								}}
							/>
						))}
					</ul>
				)}
			</section>
		</div>
	);
}
