import { CALL_PAGE_SIZE, type CallHistoryEntry, type CallHistoryStatus, type CallsApi } from "../api/callsApi";
import { createStore } from "../state/store";
import { logFailure } from "../../../shared/logFailure";

export type CallsTab = "pending" | "live" | "history";

export interface CallHistoryFilters {
	status: CallHistoryStatus | null;
	agentId: string | null;
}

export interface CallHistoryState {
	tab: CallsTab;
	filters: CallHistoryFilters;
	/** Loaded history rows, newest first; null until the first page arrives. */
	calls: CallHistoryEntry[] | null;
	nextCursor: string | null;
	loading: boolean;
	error: unknown;
	/** Calls in progress right now; null until loaded. */
	live: CallHistoryEntry[] | null;
	liveError: unknown;
	/** The call whose page was opened last, so its row gets focus back. */
	lastOpened: string | null;
}

/** The most live calls shown at once; a team rarely has this many agents on calls together. */
const LIVE_LIMIT = 100;

/**
 * The Calls page's lists. Lives as long as the signed-in console, so opening a call and coming
 * back keeps the tab, the filters and every page loaded so far.
 */
export function createCallHistoryStore(api: CallsApi) {
	const store = createStore<CallHistoryState>({
		tab: "pending",
		filters: { status: null, agentId: null },
		calls: null,
		nextCursor: null,
		loading: false,
		error: null,
		live: null,
		liveError: null,
		lastOpened: null,
	});
	// Each load takes a number; an answer that arrives after a newer load started is dropped.
	let historyGeneration = 0;
	let liveGeneration = 0;

	async function loadHistory(append: boolean): Promise<void> {
		const generation = ++historyGeneration;
		const { filters, nextCursor } = store.get();
		store.update({ loading: true, error: null });
		try {
			const page = await api.list({ ...filters, before: append ? nextCursor : null });
			if (generation !== historyGeneration) return;
			store.update((s) => ({
				calls: append && s.calls ? [...s.calls, ...page.calls] : page.calls,
				nextCursor: page.nextCursor,
				loading: false,
			}));
		} catch (error) {
			if (generation === historyGeneration) store.update({ loading: false, error });
		}
	}

	return {
		store,

		setTab(tab: CallsTab): void {
			store.update({ tab });
		},

		/** Remembers the call shown on its own page. */
		opened(callId: string): void {
			store.update({ lastOpened: callId });
		},

		/** New filters start the history again from its newest page. */
		setFilters(patch: Partial<CallHistoryFilters>): void {
			store.update((s) => ({ filters: { ...s.filters, ...patch }, calls: null, nextCursor: null }));
			loadHistory(false).catch(logFailure("loading the call history"));
		},

		loadMore(): void {
			const { nextCursor, loading } = store.get();
			if (nextCursor && !loading) loadHistory(true).catch(logFailure("loading older calls"));
		},

		/** Loads the first page, or reloads it after calls changed unless the agent paged further. */
		refreshHistory(): void {
			const { calls } = store.get();
			if (calls === null || calls.length <= CALL_PAGE_SIZE) loadHistory(false).catch(logFailure("loading the call history"));
		},

		async refreshLive(): Promise<void> {
			const generation = ++liveGeneration;
			try {
				const page = await api.list({ status: "active", agentId: null, before: null, limit: LIVE_LIMIT });
				if (generation === liveGeneration) store.update({ live: page.calls, liveError: null });
			} catch (error) {
				if (generation === liveGeneration) store.update({ liveError: error });
			}
		},
	};
}

export type CallHistoryStore = ReturnType<typeof createCallHistoryStore>;
