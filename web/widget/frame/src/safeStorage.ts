import { hostStorageSnapshot, postToHost } from "./host/hostBridge";

// The frame runs on destek's origin inside a customer's page, so its own localStorage is
// third-party: often blocked (Chromium's third-party storage blocking, privacy settings) or wiped.
// The loader keeps a copy in the host page's storage, which is first-party and survives. This
// module holds the data in memory, loaded once by initStorage(); every write goes to both copies.

/** How long to wait for the loader's copy; it answers "ready" at once, so this only covers a missing loader. */
const HOST_SNAPSHOT_TIMEOUT_MS = 1_500;

const memory = new Map<string, string>();

/** Loads the frame's own storage, then the host page's copy (which wins). Call before reading anything. */
export async function initStorage(): Promise<void> {
	try {
		for (let i = 0; i < localStorage.length; i++) {
			const key = localStorage.key(i);
			const value = key?.startsWith("destek:") ? localStorage.getItem(key) : null;
			if (key && value !== null) memory.set(key, value);
		}
	} catch {
		// Blocked: the host page's copy is all there is.
	}
	const host = await hostStorageSnapshot(HOST_SNAPSHOT_TIMEOUT_MS);
	if (!host) return;
	for (const [key, value] of Object.entries(host)) memory.set(key, value);
	// Keys only the frame had (e.g. saved before the loader kept copies) go to the host page too.
	for (const [key, value] of memory) {
		if (!(key in host)) postToHost({ type: "destek:store", key, value });
	}
}

export function readStored(key: string): string | null {
	return memory.get(key) ?? null;
}

export function writeStored(key: string, value: string | null): void {
	if (value === null) memory.delete(key);
	else memory.set(key, value);
	try {
		if (value === null) localStorage.removeItem(key);
		else localStorage.setItem(key, value);
	} catch {
		// See above: losing persistence is acceptable, breaking the chat is not.
	}
	postToHost({ type: "destek:store", key, value });
}

/** Forgets everything stored, here and on the host page (a different signed-in user inherits nothing). */
export function clearStored(): void {
	for (const key of [...memory.keys()]) writeStored(key, null);
}

/** Parses stored JSON; anything unreadable counts as absent. */
export function readStoredJson(key: string): unknown {
	const raw = readStored(key);
	if (raw === null) return null;
	try {
		return JSON.parse(raw);
	} catch {
		return null;
	}
}
