import type { SiteIdentity } from "../../bridgeMessages";
import { hostIdentity } from "./host/hostBridge";
import { clearStored, readStored, writeStored } from "./safeStorage";
import { createStore } from "./state/store";

const VISITOR_TOKEN_KEY = "destek:visitor";
/** The site user this browser's visitor belongs to ("" or absent: anonymous). */
const SITE_USER_KEY = "destek:user";

let identity: SiteIdentity | null = null;

/** Set when the server takes only signed-in users (IDENTITY_REQUIRED) and this visitor is not one. */
export const identityState = createStore({ required: false });

function base64Url(bytes: Uint8Array): string {
	let binary = "";
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Takes the site's signed-in user, once at start. A different user than the stored data belongs to
 * (another user, a sign-out, a sign-in) starts a fresh visitor: nobody inherits another's chat.
 */
export function adoptSiteIdentity(): void {
	identity = hostIdentity();
	const user = identity?.userId ?? "";
	if ((readStored(SITE_USER_KEY) ?? "") === user) return;
	clearStored();
	if (user) writeStored(SITE_USER_KEY, user);
}

/** The identity to present to the server, or null for an anonymous visitor. */
export function siteIdentity(): SiteIdentity | null {
	return identity;
}

/** The server did not accept the site's signature: go on as a new anonymous visitor. */
export function dropSiteIdentity(): void {
	identity = null;
	clearStored();
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
