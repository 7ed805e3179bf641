import { frameOptions } from "./frameOptions";
import { hostStorageSnapshot, knownHostOrigin, postToHost } from "./host/hostBridge";

// The frame runs on destek's origin inside a customer's page, so its own localStorage is
// third-party: often blocked (Chromium's third-party storage blocking, privacy settings) or wiped.
// The loader keeps a copy in the host page's storage, which is first-party and survives. This
// module holds the data in memory, loaded once by initStorage(); every write goes to both copies.

/** How long to wait for the loader's copy; it answers "ready" at once, so this only covers a missing loader. */
const HOST_SNAPSHOT_TIMEOUT_MS = 1_500;

const memory = new Map<string, string>();

// Where a browser does not partition third-party storage, the frame's own storage is one and the
// same under every site that embeds it: a page that framed frame.html would read the visitor token
// saved on another site, and be handed it below. So the frame's own keys carry the host page's
// origin (known exactly from the browser), and without a known origin the frame keeps nothing.
let ownPrefix: string | null = null;

function readOwnStorage(): void {
	try {
		for (let i = localStorage.length - 1; i >= 0; i--) {
			const key = localStorage.key(i);
			if (!key) continue;
			// Keys saved before they carried an origin can no longer be told apart: dropped.
			if (key.startsWith("destek:")) localStorage.removeItem(key);
			const value = ownPrefix && key.startsWith(ownPrefix) ? localStorage.getItem(key) : null;
			if (ownPrefix && value !== null) memory.set(key.slice(ownPrefix.length), value);
		}
	} catch {
		// Blocked: the host page's copy is all there is.
	}
}

/** Loads the host page's copy, then the frame's own storage for that host (the host's copy wins). Call before reading anything. */
export async function initStorage(): Promise<void> {
	const host = await hostStorageSnapshot(HOST_SNAPSHOT_TIMEOUT_MS);
	// Opened on its own (no host page), the frame is first-party and its storage its own.
	const origin = frameOptions.embedded ? knownHostOrigin() : location.origin;
	ownPrefix = origin ? `${origin}|` : null;
	readOwnStorage();
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
		if (!ownPrefix) {
			// No known host: nothing goes to the shared storage.
		} else if (value === null) localStorage.removeItem(ownPrefix + key);
		else localStorage.setItem(ownPrefix + key, value);
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
