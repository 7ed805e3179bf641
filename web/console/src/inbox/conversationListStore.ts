import type { ConversationQuery, InboxApi } from "../api/inboxApi";
import type { AssigneeFilter, ConversationCounts, ConversationSummary, SearchSnippet, StatusFilter } from "../api/inboxTypes";
import { createStore } from "../state/store";
import { logFailure } from "../../../shared/logFailure";

export interface ListFilters {
	status: StatusFilter;
	assignee: AssigneeFilter;
	/** An inbox id, or "" for every inbox. */
	inbox: string;
	/** A label id, or "" for any. */
	label: string;
	q: string;
}

export interface ConversationListState {
	filters: ListFilters;
	conversations: ConversationSummary[];
	/** Why each listed conversation matched the search (empty without a search). */
	matches: Record<string, SearchSnippet>;
	nextCursor: string | null;
	/** The first page: loading, shown, or failed (error). */
	phase: "loading" | "ready" | "error";
	loadingMore: boolean;
	error: unknown;
	counts: ConversationCounts | null;
}

/** Coalesces a burst of events (many messages at once) into one counts request. */
const COUNTS_DEBOUNCE_MS = 400;

/** When the conversation last saw activity: its last message, else its last change. */
export function activityTime(summary: ConversationSummary): number {
	return Date.parse(summary.lastMessage?.createdAt ?? summary.updatedAt);
}

function matchesFilters(summary: ConversationSummary, filters: ListFilters, myId: string): boolean {
	if (filters.status !== "all" && summary.status !== filters.status) return false;
	if (filters.inbox && summary.inboxId !== filters.inbox) return false;
	if (filters.label && !summary.labels.some((label) => label.id === filters.label)) return false;
	if (filters.assignee === "all") return true;
	if (filters.assignee === "unassigned") return summary.assignee === null;
	return summary.assignee?.id === (filters.assignee === "me" ? myId : filters.assignee);
}

/** The inbox list for the current tab, filters and search, kept current by socket events. */
export function createConversationListStore(api: InboxApi, myId: string, initialFilters: ListFilters) {
	const store = createStore<ConversationListState>({
		filters: initialFilters,
		conversations: [],
		matches: {},
		nextCursor: null,
		phase: "loading",
		loadingMore: false,
		error: null,
		counts: null,
	});
	// Each load gets a number; a response for an older filter or an older reload is dropped.
	let generation = 0;
	let countsTimer: ReturnType<typeof setTimeout> | undefined;

	const query = (cursor: string | null): ConversationQuery => ({ ...store.get().filters, cursor });

	async function reload(): Promise<void> {
		const mine = ++generation;
		store.update({ phase: store.get().conversations.length > 0 ? "ready" : "loading", error: null });
		try {
			const page = await api.listConversations(query(null));
			if (mine !== generation) return;
			store.update({ conversations: page.conversations, matches: page.matches ?? {}, nextCursor: page.nextCursor, phase: "ready" });
		} catch (error) {
			if (mine === generation) store.update({ phase: "error", error });
		}
	}

	async function loadMore(): Promise<void> {
		const { nextCursor, loadingMore } = store.get();
		if (!nextCursor || loadingMore) return;
		const mine = generation;
		store.update({ loadingMore: true, error: null });
		try {
			const page = await api.listConversations(query(nextCursor));
			if (mine !== generation) return;
			// A conversation can move between pages while we scroll; keep its first (newest) copy.
			const known = new Set(store.get().conversations.map((item) => item.id));
			const fresh = page.conversations.filter((item) => !known.has(item.id));
			store.update((state) => ({
				conversations: [...state.conversations, ...fresh],
				matches: { ...page.matches, ...state.matches },
				nextCursor: page.nextCursor,
			}));
		} catch (error) {
			if (mine === generation) store.update({ error });
		} finally {
			if (mine === generation) store.update({ loadingMore: false });
		}
	}

	async function refreshCounts(): Promise<void> {
		try {
			store.update({ counts: await api.counts() });
		} catch {
			// Badges keep their last value; the next event or reconnect asks again.
		}
	}

	function refreshCountsSoon(): void {
		clearTimeout(countsTimer);
		countsTimer = setTimeout(() => refreshCounts().catch(logFailure("refreshing the inbox counts")), COUNTS_DEBOUNCE_MS);
	}

	/** Applies a summary from the server; `newActivity` moves it to the top (a new message). */
	function apply(summary: ConversationSummary, newActivity: boolean): void {
		const { conversations, filters, nextCursor } = store.get();
		const rest = conversations.filter((item) => item.id !== summary.id);
		const present = rest.length !== conversations.length;
		if (!matchesFilters(summary, filters, myId)) {
			if (present) store.update({ conversations: rest });
		} else if (present && !newActivity) {
			store.update({ conversations: conversations.map((item) => (item.id === summary.id ? summary : item)) });
		} else if (present || !filters.q) {
			// A search result cannot be judged here, so only conversations already listed move.
			const time = activityTime(summary);
			const index = rest.findIndex((item) => activityTime(item) <= time);
			// Older than everything loaded while more pages exist: it belongs to a later page.
			if (index === -1 && nextCursor && !present) return;
			const at = index === -1 ? rest.length : index;
			store.update({ conversations: [...rest.slice(0, at), summary, ...rest.slice(at)] });
		}
		refreshCountsSoon();
	}

	/** Clears the unread badge at once when the agent reads a conversation. */
	function markRead(id: string): void {
		const { conversations } = store.get();
		if (!conversations.some((item) => item.id === id && item.unread > 0)) return;
		store.update({ conversations: conversations.map((item) => (item.id === id ? { ...item, unread: 0 } : item)) });
		refreshCountsSoon();
	}

	function setFilters(patch: Partial<ListFilters>): void {
		store.update((state) => ({ filters: { ...state.filters, ...patch }, conversations: [], matches: {}, nextCursor: null }));
		reload().catch(logFailure("reloading the inbox"));
	}

	return {
		...store,
		reload,
		loadMore,
		refreshCounts,
		apply,
		markRead,
		setFilters,
		stop: () => clearTimeout(countsTimer),
	};
}

export type ConversationListStore = ReturnType<typeof createConversationListStore>;
