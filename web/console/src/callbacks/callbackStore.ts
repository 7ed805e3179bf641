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
 * `callbacks:changed` events of the agent's inboxes (a new request, or one marked done).
 */
export function createCallbackStore(api: CallbacksApi, socket: AgentSocket) {
	const store = createStore<CallbackState>({ open: null, openCount: 0 });

	const reload = async () => {
		const { callbacks, openCount } = await api.list("open");
		store.update({ open: callbacks, openCount });
	};

	// The count follows the change: one more when a request opens, one fewer when a listed one is done.
	const apply = (callback: CallbackView) =>
		store.update(({ open, openCount }) => {
			const known = open?.some((c) => c.id === callback.id) ?? false;
			const others = (open ?? []).filter((c) => c.id !== callback.id);
			const next = callback.status === "open" ? [...others, callback].sort((a, b) => a.createdAt.localeCompare(b.createdAt)) : others;
			const count = openCount + (callback.status === "open" && !known ? 1 : 0) - (callback.status !== "open" && known ? 1 : 0);
			return { open: open === null ? null : next, openCount: Math.max(0, count) };
		});

	// Changes missed while disconnected are picked up by loading again.
	socket.on("connect", () => reload().catch(logFailure("loading call-back requests")));
	socket.on("callbacks:changed", ({ callback }) => apply(callback));

	return {
		store,
		reload,
		/** Marks one done; the list changes at once and every other console hears of it. */
		async markDone(id: string): Promise<void> {
			apply(await api.markDone(id));
		},
	};
}

export type CallbackStore = ReturnType<typeof createCallbackStore>;
