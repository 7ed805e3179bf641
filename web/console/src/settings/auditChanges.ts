/**
 * "ringTimeoutS: 60 → 30; recording: off → audio" from a settings audit entry's details
 * (`{ keys, changes: { key: { from, to } } }`); null for any other entry.
 */
export function describeSettingsChanges(details: Record<string, unknown> | null): string | null {
	const changes = details?.changes;
	if (typeof changes !== "object" || changes === null) return null;
	const shown = (value: unknown) => (value === null || value === "" ? "—" : typeof value === "string" ? value : JSON.stringify(value));
	return Object.entries(changes as Record<string, { from?: unknown; to?: unknown }>)
		.map(([key, change]) => `${key}: ${shown(change?.from)} → ${shown(change?.to)}`)
		.join("; ");
}
