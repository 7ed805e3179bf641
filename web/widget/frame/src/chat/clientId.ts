/** A fresh id for one message; the server treats a repeated id as the same message. */
export function newClientId(): string {
	if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
	// randomUUID needs a secure context; a destek server on plain http (a LAN test) still works.
	const bytes = crypto.getRandomValues(new Uint8Array(16));
	return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
