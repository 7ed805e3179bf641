import type { AttachmentView } from "../protocol";
import { readStoredJson, writeStored } from "../safeStorage";

/** A message written but not yet acknowledged by the server; it survives reloads. */
export interface OutboxEntry {
	clientId: string;
	body: string;
	attachmentIds: string[];
	/** Shown while the message is pending; the server's copy replaces them once it is sent. */
	attachments: AttachmentView[];
	/** The host page the visitor wrote it on. */
	pageUrl: string | null;
	createdAt: string;
}

const OUTBOX_KEY = "destek:outbox";

function isEntry(value: unknown): value is OutboxEntry {
	if (typeof value !== "object" || value === null) return false;
	const entry = value as Partial<OutboxEntry>;
	return (
		typeof entry.clientId === "string" &&
		typeof entry.body === "string" &&
		Array.isArray(entry.attachmentIds) &&
		Array.isArray(entry.attachments) &&
		typeof entry.createdAt === "string" &&
		(typeof entry.pageUrl === "string" || entry.pageUrl === null)
	);
}

/** Everything still waiting to be sent, oldest first. */
export function readOutbox(): OutboxEntry[] {
	const stored = readStoredJson(OUTBOX_KEY);
	return Array.isArray(stored) ? stored.filter(isEntry) : [];
}

// Each change starts from the stored list, so it never depends on what the screen shows.
function changeOutbox(change: (entries: OutboxEntry[]) => OutboxEntry[]): void {
	const next = change(readOutbox());
	writeStored(OUTBOX_KEY, next.length > 0 ? JSON.stringify(next) : null);
}

export function addToOutbox(entry: OutboxEntry): void {
	changeOutbox((entries) => [...entries.filter((e) => e.clientId !== entry.clientId), entry]);
}

export function removeFromOutbox(clientIds: readonly string[]): void {
	if (clientIds.length > 0) changeOutbox((entries) => entries.filter((e) => !clientIds.includes(e.clientId)));
}
