import { useEffect, useState } from "preact/hooks";
import type { TeamAgent } from "../api/inboxTypes";
import { useI18n } from "../i18n";
import { useInbox } from "../inbox/InboxContext";
import { useStore } from "../state/store";
import { logFailure } from "../../../shared/logFailure";

const MAX_SUGGESTIONS = 6;

/** The `@query` being typed just before the caret, if any. */
function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
	const match = /(?:^|\s)@([\p{L}\p{N}._-]{0,64})$/u.exec(text.slice(0, caret));
	if (!match) return null;
	const query = match[1] ?? "";
	return { start: caret - query.length - 1, query };
}

/**
 * `@` autocomplete for notes: agents whose username or name starts with what follows the `@`.
 * `onKeyDown` takes arrows, Enter and Tab while suggestions show (returns true when it used the key);
 * picking replaces the `@query` with `@username `.
 */
export function useMentions(enabled: boolean, text: string, caret: number, apply: (text: string, caret: number) => void) {
	const inbox = useInbox();
	const agents = useStore(inbox.team, (state) => state.agents);
	const [active, setActive] = useState(0);
	const [dismissedAt, setDismissedAt] = useState<number | null>(null);
	const found = enabled ? mentionQuery(text, caret) : null;

	useEffect(() => {
		if (found && !agents) inbox.loadTeam().catch(logFailure("loading the team"));
	}, [found !== null, agents]);

	const query = found?.query.toLocaleLowerCase() ?? "";
	const matches: TeamAgent[] =
		found && found.start !== dismissedAt
			? (agents ?? [])
					.filter((agent) => agent.id !== inbox.agent.id)
					.filter((agent) => agent.username.toLocaleLowerCase().startsWith(query) || agent.name.toLocaleLowerCase().startsWith(query))
					.slice(0, MAX_SUGGESTIONS)
			: [];

	const pick = (agent: TeamAgent) => {
		if (!found) return;
		const inserted = `@${agent.username} `;
		apply(text.slice(0, found.start) + inserted + text.slice(caret), found.start + inserted.length);
		setActive(0);
	};

	const onKeyDown = (event: KeyboardEvent): boolean => {
		if (matches.length === 0) return false;
		const chosen = matches[Math.min(active, matches.length - 1)];
		if (event.key === "ArrowDown" || event.key === "ArrowUp") {
			const step = event.key === "ArrowDown" ? 1 : -1;
			setActive((current) => (current + step + matches.length) % matches.length);
		} else if ((event.key === "Enter" || event.key === "Tab") && chosen) {
			pick(chosen);
		} else if (event.key === "Escape" && found) {
			setDismissedAt(found.start);
		} else {
			return false;
		}
		event.preventDefault();
		return true;
	};

	return { matches, active: Math.min(active, Math.max(matches.length - 1, 0)), pick, onKeyDown };
}

/** The suggestions under the note being written. */
export function MentionPicker({ mentions, listId }: { mentions: ReturnType<typeof useMentions>; listId: string }) {
	const { t } = useI18n();
	if (mentions.matches.length === 0) return null;
	return (
		<div class="mention-picker" id={listId} role="listbox" aria-label={t("mention.suggestions")}>
			{mentions.matches.map((agent, index) => (
				<div
					key={agent.id}
					tabIndex={-1}
					id={`${listId}-${index}`}
					role="option"
					aria-selected={index === mentions.active}
					onMouseDown={(event) => {
						// Keep the focus in the note while picking.
						event.preventDefault();
						mentions.pick(agent);
					}}
				>
					<strong>@{agent.username}</strong> <span>{agent.name}</span>
				</div>
			))}
		</div>
	);
}
