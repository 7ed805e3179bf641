import { readStored, writeStored } from "./safeStorage";

const VISITOR_TOKEN_KEY = "destek:visitor";

function base64Url(bytes: Uint8Array): string {
	let binary = "";
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Whether this browser has talked to us before (a returning visitor sees history, not the form). */
export function hasVisitorToken(): boolean {
	return readStored(VISITOR_TOKEN_KEY) !== null;
}

/** The visitor's secret: 32 random bytes, created on first open and kept in storage (see safeStorage). */
export function visitorToken(): string {
	const stored = readStored(VISITOR_TOKEN_KEY);
	if (stored && /^[\w-]{43}$/.test(stored)) return stored;
	const token = base64Url(crypto.getRandomValues(new Uint8Array(32)));
	writeStored(VISITOR_TOKEN_KEY, token);
	return token;
}
