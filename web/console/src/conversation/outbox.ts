import type { AttachmentView } from "../api/inboxTypes";
import { createStore, type Store } from "../state/store";

/** A reply not yet confirmed by the server; kept in localStorage so a reload cannot lose it. */
export interface OutboxItem {
	clientId: string;
	conversationId: string;
	body: string;
	attachments: AttachmentView[];
	createdAt: string;
	/** Set when the server refused the message; the agent decides to retry or discard. */
	failure: { id: string; message: string } | null;
}

/** One key for every agent who used this browser, each agent's items under their id. */
export const OUTBOX_STORAGE_KEY = "destek:console-outbox";

function isOutboxItem(value: unknown): value is OutboxItem {
	if (typeof value !== "object" || value === null) return false;
	const item = value as Partial<OutboxItem>;
	return (
		typeof item.clientId === "string" &&
		typeof item.conversationId === "string" &&
		typeof item.body === "string" &&
		typeof item.createdAt === "string" &&
		Array.isArray(item.attachments)
	);
}

function readAll(): Record<string, unknown> {
	try {
		const parsed: unknown = JSON.parse(localStorage.getItem(OUTBOX_STORAGE_KEY) ?? "{}");
		return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? { ...parsed } : {};
	} catch {
		return {};
	}
}

function readItems(agentId: string): OutboxItem[] {
	const items = readAll()[agentId];
	return Array.isArray(items) ? items.filter(isOutboxItem).map((item) => ({ ...item, failure: item.failure ?? null })) : [];
}

function writeItems(agentId: string, items: OutboxItem[]): void {
	const all = readAll();
	if (items.length > 0) all[agentId] = items;
	else delete all[agentId];
	try {
		if (Object.keys(all).length > 0) localStorage.setItem(OUTBOX_STORAGE_KEY, JSON.stringify(all));
		else localStorage.removeItem(OUTBOX_STORAGE_KEY);
	} catch {
		// Blocked or full storage: the reply still goes out, it just would not survive a reload.
	}
}

export interface Outbox extends Store<{ items: OutboxItem[] }> {
	/** Saves the item before anything is sent, so it survives a crash or reload in between. */
	add(item: OutboxItem): void;
	remove(clientId: string): void;
	setFailure(clientId: string, failure: OutboxItem["failure"]): void;
	has(clientId: string): boolean;
	/** Stops following other tabs' changes. */
	close(): void;
}

/** The signed-in agent's outbox, shared with the agent's other tabs through the storage event. */
export function createOutbox(agentId: string): Outbox {
	const store = createStore({ items: readItems(agentId) });

	function save(items: OutboxItem[]): void {
		writeItems(agentId, items);
		store.update({ items });
	}

	const followOtherTabs = (event: StorageEvent) => {
		if (event.key === OUTBOX_STORAGE_KEY || event.key === null) store.update({ items: readItems(agentId) });
	};
	window.addEventListener("storage", followOtherTabs);

	return {
		...store,
		add: (item) => save([...readItems(agentId).filter((old) => old.clientId !== item.clientId), item]),
		remove(clientId) {
			const items = readItems(agentId);
			if (items.some((item) => item.clientId === clientId)) save(items.filter((item) => item.clientId !== clientId));
			else store.update({ items });
		},
		setFailure: (clientId, failure) =>
			save(readItems(agentId).map((item) => (item.clientId === clientId ? { ...item, failure } : item))),
		has: (clientId) => store.get().items.some((item) => item.clientId === clientId),
		close: () => window.removeEventListener("storage", followOtherTabs),
	};
}
