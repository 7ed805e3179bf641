import type { TeamMember } from "../../../../src/protocol/team";
import { StatusBadge } from "../account/StatusBadge";
import { useI18n } from "../i18n";
import { Button } from "../ui/Button";
import { formatDateTime } from "../ui/formatTime";
import { presenceClass, presenceText } from "../conversation/AssignMenu";
import { useInbox } from "../inbox/InboxContext";
import { useStore } from "../state/store";

export type MemberAction = "disable" | "enable" | "makeAdmin" | "makeAgent" | "resetPassword" | "resetFactor" | "resendInvite" | "revokeInvite";

/** What an admin can do to this member: a signed-in admin never acts on their own account here. */
function actionsFor(member: TeamMember, isSelf: boolean): MemberAction[] {
	if (member.status === "disabled") return ["enable"];
	const role: MemberAction = member.role === "admin" ? "makeAgent" : "makeAdmin";
	if (member.status === "invited") return ["resendInvite", "revokeInvite", role, "disable"];
	if (isSelf) return [role];
	return [role, "resetPassword", "resetFactor", "disable"];
}

const LABELS = {
	disable: "team.disable",
	enable: "team.enable",
	makeAdmin: "team.makeAdmin",
	makeAgent: "team.makeAgent",
	resetPassword: "team.resetPassword",
	resetFactor: "team.resetFactor",
	resendInvite: "team.resendInvite",
	revokeInvite: "team.revokeInvite",
} as const;

/** One agent: role, status, second factors, last sign-in, and the admin's actions. */
export function MemberCard({
	member,
	isSelf,
	busy,
	onAction,
}: {
	member: TeamMember;
	isSelf: boolean;
	busy: boolean;
	onAction: (action: MemberAction) => void;
}) {
	const { t, language } = useI18n();
	// The status the agent chose and whether their console is open, live.
	const presence = useStore(useInbox().presence, (state) => state.byAgent[member.id]);
	const factors = [member.telegramLinked && t("team.factor.telegram"), member.totpEnabled && t("team.factor.totp")].filter(
		(f): f is string => Boolean(f),
	);
	return (
		<li class="member-card">
			<div class="member-head">
				<strong class="member-name">{member.name}</strong>
				<span class="muted">@{member.username}</span>
			</div>
			<dl class="member-facts">
				<div>
					<dt>{t("team.col.role")}</dt>
					<dd>{member.role === "admin" ? t("role.admin") : t("role.agent")}</dd>
				</div>
				<div>
					<dt>{t("team.col.status")}</dt>
					<dd>
						<StatusBadge on={member.status === "active"}>{t(`team.status.${member.status}`)}</StatusBadge>
					</dd>
				</div>
				{presence && member.status === "active" && (
					<div>
						<dt>{t("status.presence")}</dt>
						<dd>
							<span class="member-presence">
								<span class={presenceClass(presence)} aria-hidden="true" />
								{presenceText(presence, t)}
							</span>
						</dd>
					</div>
				)}
				<div>
					<dt>{t("team.col.factors")}</dt>
					<dd>
						{factors.length ? factors.join(", ") : t("team.factor.none")}
						{member.recoveryCodesLeft > 0 && ` · ${t("team.recoveryLeft", { count: member.recoveryCodesLeft })}`}
					</dd>
				</div>
				<div>
					<dt>{t("team.col.lastSignIn")}</dt>
					<dd>{member.lastLoginAt ? formatDateTime(member.lastLoginAt, language) : t("team.never")}</dd>
				</div>
			</dl>
			<fieldset class="setting-actions member-actions">
				<legend class="visually-hidden">{t("team.actionsFor", { name: member.name })}</legend>
				{actionsFor(member, isSelf).map((action) => (
					<Button key={action} variant={action === "disable" || action === "resetFactor" ? "danger" : "secondary"} busy={busy} onClick={() => onAction(action)}>
						{t(LABELS[action])}
					</Button>
				))}
			</fieldset>
		</li>
	);
}
