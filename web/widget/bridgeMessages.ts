// The postMessage protocol between the loader (on the host page) and the widget frame (on the
// destek origin). Both sides check the sender's origin and window before reading a message.

import type { IdentityClaim } from "../../src/protocol/identity";

/** A signed-in user of the host site, as the site passed it; the server checks `userHash`. */
export type SiteIdentity = IdentityClaim;

/** Loader → frame. */
export type LoaderToFrameMessage =
	| { type: "destek:page"; url: string; title: string; referrer: string }
	/** The frame's saved data, kept in the host page's storage (the frame's own may be blocked), and the site's user. */
	| { type: "destek:storage"; entries: Record<string, string>; identity: SiteIdentity | null }
	/** The site's user changed (window.destek.identify) after the frame started. */
	| { type: "destek:identity"; identity: SiteIdentity | null }
	| { type: "destek:visibility"; open: boolean };

/** Frame → loader. */
export type FrameToLoaderMessage =
	| { type: "destek:ready" }
	| { type: "destek:unread"; count: number }
	| { type: "destek:active"; active: boolean }
	| { type: "destek:close" }
	/** Shows the chat: a live call was found again after the host page reloaded, and must be seen (and heard). */
	| { type: "destek:open" }
	/** The inbox's launcher look (a null colour: keep the loader's); the loader remembers it for the next page. */
	| { type: "destek:look"; colour: string | null; position: "left" | "right" }
	/** Saves (or with null removes) one of the frame's keys in the host page's storage. */
	| { type: "destek:store"; key: string; value: string | null }
	/** A new message in the conversation (window.destek.on("message"), and the preview bubble for an agent's). */
	| { type: "destek:message"; from: "visitor" | "agent" | "system"; name: string | null; text: string };

/** Host page keys holding the frame's data: this prefix plus the frame's own key. */
export const HOST_STORAGE_PREFIX = "destek:frame:";
/** Limits on what a frame may keep on the host page. */
export const HOST_STORAGE_MAX_VALUE = 256 * 1024;
export const HOST_STORAGE_MAX_KEYS = 20;

/** Whether a frame key is one the host page will keep (the same check on both sides). */
export function storableKey(key: unknown): key is string {
	return typeof key === "string" && key.startsWith("destek:") && key.length <= 100;
}

const text = (value: unknown, max: number) => (typeof value === "string" && value.length > 0 && value.length <= max ? value : undefined);

/** A well-formed identity from what a site (or a message) gave, or null; both sides use the same check. */
export function readSiteIdentity(value: unknown): SiteIdentity | null {
	if (typeof value !== "object" || value === null) return null;
	const { userId, userHash, name, email } = value as Record<string, unknown>;
	const id = typeof userId === "number" ? String(userId) : text(userId, 200);
	if (!id || typeof userHash !== "string" || !/^[0-9a-fA-F]{64}$/.test(userHash)) return null;
	const identity: SiteIdentity = { userId: id, userHash };
	if (text(name, 100)) identity.name = name as string;
	if (text(email, 200)) identity.email = email as string;
	return identity;
}

/** The `type` of a message, or null when it is not one of ours (other scripts post messages too). */
export function bridgeMessageType(data: unknown): string | null {
	if (typeof data !== "object" || data === null || !("type" in data)) return null;
	const { type } = data;
	return typeof type === "string" && type.startsWith("destek:") ? type : null;
}
