import { useId, useState } from "preact/hooks";
import type { AgentRole, InviteResponse } from "../../../../src/protocol/team";
import { useI18n } from "../i18n";
import { Button } from "../ui/Button";
import { ErrorAlert } from "../ui/ErrorAlert";
import { TextField } from "../ui/TextField";
import { useAsyncAction } from "../ui/useAsyncAction";

/** Name, username and role of a new agent; the server answers with the invite link. */
export function InviteForm({
	invite,
	onInvited,
	onCancel,
}: {
	invite: (body: { name: string; username: string; role: AgentRole }) => Promise<InviteResponse>;
	onInvited: (response: InviteResponse) => void;
	onCancel: () => void;
}) {
	const { t } = useI18n();
	const roleId = useId();
	const [name, setName] = useState("");
	const [username, setUsername] = useState("");
	const [role, setRole] = useState<AgentRole>("agent");
	const action = useAsyncAction();

	async function submit(event: SubmitEvent) {
		event.preventDefault();
		const result = await action.run(() => invite({ name: name.trim(), username: username.trim(), role }));
		if (result) onInvited(result.value);
	}

	return (
		<form class="stack" onSubmit={submit} aria-labelledby={`${roleId}-title`}>
			<h2 id={`${roleId}-title`}>{t("team.inviteTitle")}</h2>
			<p class="muted">{t("team.inviteIntro")}</p>
			<ErrorAlert error={action.error} />
			<TextField label={t("field.name")} value={name} onValue={setName} name="name" required focusOnMount />
			<TextField label={t("field.username")} value={username} onValue={setUsername} name="username" required plain />
			<div class="field">
				<label for={roleId}>{t("team.role")}</label>
				<select id={roleId} class="select" value={role} onChange={(event) => setRole(event.currentTarget.value === "admin" ? "admin" : "agent")}>
					<option value="agent">{t("role.agent")}</option>
					<option value="admin">{t("role.admin")}</option>
				</select>
			</div>
			<div class="setting-actions">
				<Button type="submit" variant="primary" busy={action.busy}>
					{t("team.sendInvite")}
				</Button>
				<Button onClick={onCancel}>{t("common.cancel")}</Button>
			</div>
		</form>
	);
}
