import type { RefObject } from "preact";
import { useEffect, useId, useMemo, useRef, useState } from "preact/hooks";
import { type CannedValues, expandCannedReply, matchesCannedQuery } from "../../../../src/protocol/cannedReplyText";
import { type CannedReplyView, createCannedApi } from "../api/cannedApi";
import { useI18n } from "../i18n";
import { useInbox } from "../inbox/InboxContext";
import { session } from "../session/sessionStore";
import { useStore } from "../state/store";
import { logFailure } from "../../../shared/logFailure";

/** `/query` typed at the start of a word, right before the caret: where it starts and what it says. */
export function slashQueryAt(text: string, caret: number): { start: number; query: string } | null {
	const match = /(^|\s)\/([\p{L}\p{N}_-]*)$/u.exec(text.slice(0, caret));
	if (!match) return null;
	const query = match[2] ?? "";
	return { start: caret - query.length - 1, query };
}

const MAX_SHOWN = 8;

/**
 * The composer's `/` picker: typing `/` at the start of a word lists the agent's canned replies
 * (fetched when it opens), filtered as they type; arrows move, Enter or Tab inserts the reply with
 * its variables filled in (replacing the `/query`), Escape closes. Focus stays in the textarea,
 * which points at the highlighted option with aria-activedescendant.
 */
export function useCannedReplyPicker(
	textarea: RefObject<HTMLTextAreaElement | null>,
	draft: string,
	setDraft: (text: string) => void,
	conversationId: string,
) {
	const inbox = useInbox();
	const api = useMemo(() => createCannedApi(session.request), []);
	const listId = useId();
	const [caret, setCaret] = useState(0);
	const [dismissedAt, setDismissedAt] = useState<number | null>(null);
	const [replies, setReplies] = useState<CannedReplyView[] | null>(null);
	const [active, setActive] = useState(0);
	const summary = useStore(inbox.conversation, (state) => state.summary);

	const slash = slashQueryAt(draft, caret);
	const open = slash !== null && dismissedAt !== slash.start;
	const matches = useMemo(
		() => (replies ?? []).filter((reply) => matchesCannedQuery(reply, slash?.query ?? "")).slice(0, MAX_SHOWN),
		[replies, slash?.query],
	);

	// Fetched each time the picker opens, so replies saved meanwhile (on any node) are offered.
	const wasOpen = useRef(false);
	useEffect(() => {
		if (open && !wasOpen.current) {
			setReplies(null);
			api.list().then(setReplies, (error: unknown) => {
				setReplies([]);
				logFailure("loading canned replies")(error);
			});
		}
		wasOpen.current = open;
	}, [open, api]);
	useEffect(() => setActive(0), [slash?.query]);
	const slashStart = slash?.start;
	useEffect(() => {
		if (slashStart === undefined) setDismissedAt(null);
	}, [slashStart]);

	const values = (): CannedValues => {
		const visitor = summary?.id === conversationId ? summary.visitor : null;
		return { "visitor.name": visitor?.name, "visitor.email": visitor?.email, "visitor.phone": visitor?.phone, "agent.name": inbox.agent.name };
	};

	function insert(reply: CannedReplyView) {
		if (!slash) return;
		const text = expandCannedReply(reply.text, values());
		const next = draft.slice(0, slash.start) + text + draft.slice(caret);
		const at = slash.start + text.length;
		setDraft(next);
		setCaret(at);
		requestAnimationFrame(() => textarea.current?.setSelectionRange(at, at));
	}

	const trackCaret = (event: { currentTarget: HTMLTextAreaElement }) => setCaret(event.currentTarget.selectionStart);
	const activeId = open && matches[active] ? `${listId}-${matches[active].id}` : undefined;

	return {
		/** Spread onto the textarea, after its own handlers are set. */
		textareaProps: {
			"aria-controls": open ? listId : undefined,
			"aria-autocomplete": "list" as const,
			"aria-activedescendant": activeId,
			onKeyUp: trackCaret,
			onClick: trackCaret,
			onSelect: trackCaret,
		},
		/** Called first by the textarea's keydown; true when the picker used the key. */
		onKeyDown(event: KeyboardEvent): boolean {
			if (!open || event.isComposing) return false;
			if (event.key === "Escape") setDismissedAt(slash?.start ?? null);
			else if (event.key === "ArrowDown" && matches.length) setActive((active + 1) % matches.length);
			else if (event.key === "ArrowUp" && matches.length) setActive((active - 1 + matches.length) % matches.length);
			else if ((event.key === "Enter" || event.key === "Tab") && !event.shiftKey && matches[active]) insert(matches[active]);
			// Enter before the list has arrived waits for it, rather than sending "/gr" to the visitor.
			else if (event.key === "Enter" && !event.shiftKey && replies === null) {
				/* swallowed */
			} else return false;
			event.preventDefault();
			event.stopPropagation();
			return true;
		},
		/** Keeps the caret known while typing (input fires before keyup). */
		onInput: trackCaret,
		popup: open ? <CannedReplyList listId={listId} replies={replies} matches={matches} active={active} query={slash.query} onPick={insert} /> : null,
	};
}

function CannedReplyList({
	listId,
	replies,
	matches,
	active,
	query,
	onPick,
}: {
	listId: string;
	replies: CannedReplyView[] | null;
	matches: CannedReplyView[];
	active: number;
	query: string;
	onPick: (reply: CannedReplyView) => void;
}) {
	const { t } = useI18n();
	return (
		<div class="canned-picker">
			<div id={listId} role="listbox" aria-label={t("canned.picker")} class="canned-picker-list">
				{matches.map((reply, index) => (
					<div
						key={reply.id}
						// Options are chosen from the textarea (aria-activedescendant), or with the mouse.
						tabIndex={-1}
						id={`${listId}-${reply.id}`}
						role="option"
						aria-selected={index === active}
						class="canned-picker-option"
						// mousedown, not click: the textarea keeps its focus and caret.
						onMouseDown={(event) => {
							event.preventDefault();
							onPick(reply);
						}}
					>
						<span class="canned-shortcut">/{reply.shortcut}</span> <span class="canned-picker-text">{reply.text}</span>
					</div>
				))}
			</div>
			<p class="canned-picker-hint muted" role="status">
				{replies === null ? t("canned.pickerLoading") : matches.length === 0 ? t("canned.pickerEmpty", { query }) : t("canned.pickerHint")}
			</p>
		</div>
	);
}
