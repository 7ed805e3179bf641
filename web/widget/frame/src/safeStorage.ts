// The frame's localStorage can be blocked (privacy settings, storage partitioning quirks). Chat
// still works then, it just forgets everything on reload.

export function readStored(key: string): string | null {
	try {
		return localStorage.getItem(key);
	} catch {
		return null;
	}
}

export function writeStored(key: string, value: string | null): void {
	try {
		if (value === null) localStorage.removeItem(key);
		else localStorage.setItem(key, value);
	} catch {
		// See above: losing persistence is acceptable, breaking the chat is not.
	}
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
