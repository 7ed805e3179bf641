import type { InboxApi } from "../api/inboxApi";
import type { TimelineEventView, TimelineResponse } from "../api/inboxTypes";
import { createStore } from "../state/store";

export interface TimelineState {
	conversationId: string | null;
	events: TimelineEventView[];
	calls: TimelineResponse["calls"];
}

const EMPTY: TimelineState = { conversationId: null, events: [], calls: [] };

/** The open conversation's notes, changes and calls, shown between its messages; live events are appended. */
export function createTimelineStore(api: InboxApi) {
	const store = createStore<TimelineState>(EMPTY);

	async function load(conversationId: string): Promise<void> {
		if (store.get().conversationId !== conversationId) store.update({ ...EMPTY, conversationId });
		const { events, calls } = await api.timeline(conversationId);
		if (store.get().conversationId !== conversationId) return;
		// Events that arrived live while loading are kept; the loaded ones come first.
		store.update((state) => ({ events: mergeEvents(events, state.events), calls }));
	}

	return {
		...store,
		load,
		receive(event: TimelineEventView): void {
			if (store.get().conversationId !== event.conversationId) return;
			store.update((state) => ({ events: mergeEvents(state.events, [event]) }));
		},
		/** A call of this conversation changed (ended, answered): load the calls again. */
		reload(): Promise<void> {
			const { conversationId } = store.get();
			return conversationId ? load(conversationId) : Promise.resolve();
		},
	};
}

function mergeEvents(known: TimelineEventView[], incoming: TimelineEventView[]): TimelineEventView[] {
	const byId = new Map(known.map((event) => [event.id, event]));
	for (const event of incoming) byId.set(event.id, event);
	return [...byId.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export type TimelineStore = ReturnType<typeof createTimelineStore>;
