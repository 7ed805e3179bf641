import type { CallbacksApi, CallbackView } from "../api/callbacksApi";
import type { AgentSocket } from "../realtime/agentSocket";
import { createStore } from "../state/store";
import { logFailure } from "../../../shared/logFailure";

export interface CallbackState {
	/** Open requests, oldest first; null until first loaded. */
	open: CallbackView[] | null;
	/** How many are open: the nav badge. */
	openCount: number;
}

/**
 * The team's call-back tasks, kept live: loaded on each (re)connect, then changed by the
 * `callbacks:changed` events every console receives (a new request, or one marked done).
 */
export function createCallbackStore(api: CallbacksApi, socket: AgentSocket) {
	const store = createStore<CallbackState>({ open: null, openCount: 0 });

	const reload = async () => {
		const { callbacks, openCount } = await api.list("open");
		store.update({ open: callbacks, openCount });
	};

	const apply = (callback: CallbackView, openCount: number) =>
		store.update(({ open }) => {
			const others = (open ?? []).filter((c) => c.id !== callback.id);
			const next = callback.status === "open" ? [...others, callback].sort((a, b) => a.createdAt.localeCompare(b.createdAt)) : others;
			return { open: open === null ? null : next, openCount };
		});

	// Changes missed while disconnected are picked up by loading again.
	socket.on("connect", () => reload().catch(logFailure("loading call-back requests")));
	socket.on("callbacks:changed", ({ callback, openCount }) => apply(callback, openCount));

	return {
		store,
		reload,
		/** Marks one done; the list changes at once and every other console hears of it. */
		async markDone(id: string): Promise<void> {
			const done = await api.markDone(id);
			apply(done, Math.max(0, store.get().openCount - (store.get().open?.some((c) => c.id === id) ? 1 : 0)));
		},
	};
}

export type CallbackStore = ReturnType<typeof createCallbackStore>;
