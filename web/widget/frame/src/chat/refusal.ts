/**
 * A refusal by a server limit: its stable id and when trying again makes sense (the protocol's
 * ConnectRefusal, with the retry time required). No imports: unit tests load this file directly.
 */
export interface Refusal {
	id: string;
	retryAfterMs: number;
}

/** Reads the `data` of a refused handshake (`{ id, retryAfterMs }`); null for any other connect error. */
export function refusalOf(error: unknown): Refusal | null {
	const data = (error as { data?: { id?: unknown; retryAfterMs?: unknown } } | null)?.data;
	if (typeof data?.id !== "string" || typeof data.retryAfterMs !== "number" || !(data.retryAfterMs >= 0)) return null;
	return { id: data.id, retryAfterMs: data.retryAfterMs };
}

/**
 * How long to wait before the next handshake: never before the server's retry time, and never
 * sooner than the growing backoff, so a refused widget does not hammer the server.
 */
export function nextRetryDelay(refusal: Refusal | null, backoffMs: number): number {
	return refusal ? Math.max(refusal.retryAfterMs, backoffMs) : backoffMs;
}

/** "12 minutes" / "3 hours" as the visitor reads it: whole minutes below two hours, else whole hours. */
export function waitParts(retryAfterMs: number): { unit: "minutes" | "hours"; count: number } {
	const minutes = Math.max(1, Math.ceil(retryAfterMs / 60_000));
	return minutes < 120 ? { unit: "minutes", count: minutes } : { unit: "hours", count: Math.ceil(minutes / 60) };
}
