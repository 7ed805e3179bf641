import { useCallback, useId, useRef, useState } from "preact/hooks";
import type { AgentStatus, ConversationSummary } from "../api/inboxTypes";
import { describeError } from "../errors/describeError";
import { type MessageKey, useI18n } from "../i18n";
import { useInbox } from "../inbox/InboxContext";
import { useStore } from "../state/store";
import { Icon } from "../ui/Icon";
import { showToast } from "../ui/toasts";
import { useDismiss } from "../ui/useDismiss";

/** "Assign ▾": who may take the conversation (with each one's status, live) and "Unassigned", loaded fresh when opened. */
export function AssignMenu({ conversation, onAssign }: { conversation: ConversationSummary; onAssign: (agentId: string | null) => void }) {
	const { t } = useI18n();
	const inbox = useInbox();
	// Only those who may take it: members of the conversation's inbox, and admins.
	const agents = useStore(inbox.team, (value) => value.agents)?.filter((a) => a.role === "admin" || a.inboxIds.includes(conversation.inboxId));
	const presence = useStore(inbox.presence, (value) => value.byAgent);
	const [open, setOpen] = useState(false);
	const panelId = useId();
	const root = useRef<HTMLDivElement>(null);
	const button = useRef<HTMLButtonElement>(null);
	const close = useCallback(() => setOpen(false), []);
	useDismiss(open, close, root, button);

	function toggle() {
		if (!open) inbox.loadTeam().catch((error: unknown) => showToast(describeError(error, t)));
		setOpen(!open);
	}

	function choose(agentId: string | null) {
		setOpen(false);
		button.current?.focus();
		if (agentId !== (conversation.assignee?.id ?? null)) onAssign(agentId);
	}

	const currentId = conversation.assignee?.id ?? null;
	return (
		<div class="popover-anchor" ref={root}>
			<button
				type="button"
				class="button button-secondary button-compact"
				ref={button}
				aria-expanded={open}
				aria-controls={panelId}
				onClick={toggle}
			>
				{t("actions.assign")}
				<Icon name="chevronDown" />
			</button>
			<div class="popover assign-panel" id={panelId} hidden={!open}>
				{!agents && <p class="popover-note muted">{t("app.loading")}</p>}
				<ul>
					<li>
						<button type="button" class="menu-item" aria-pressed={currentId === null} onClick={() => choose(null)}>
							{t("actions.unassigned")}
						</button>
					</li>
					{agents?.map((agent) => (
						<li key={agent.id}>
							<button type="button" class="menu-item" aria-pressed={currentId === agent.id} onClick={() => choose(agent.id)}>
								<span class={presenceClass(presence[agent.id] ?? agent)} aria-hidden="true" />
								<span class="menu-item-label">{agent.name}</span>
								<span class="visually-hidden">{presenceText(presence[agent.id] ?? agent, t)}</span>
								{agent.id === inbox.agent.id && <span class="muted"> {t("actions.you")}</span>}
							</button>
						</li>
					))}
				</ul>
			</div>
		</div>
	);
}

type Presence = { status: AgentStatus; available: boolean };

/** Green: available; amber: away; hollow: offline or no console open. */
export function presenceClass({ status, available }: Presence): string {
	if (available) return "presence presence-online";
	return status === "away" ? "presence presence-away" : "presence";
}

/** "Online", "Away", "Offline", or "Online (console closed)" for one who chose online but is not here. */
export function presenceText({ status, available }: Presence, t: (key: MessageKey) => string): string {
	if (status === "online" && !available) return `${t("status.online")} (${t("status.noConsole")})`;
	return t(`status.${status}`);
}
