import { bridgeMessageType, type FrameToLoaderMessage, readSiteIdentity, type SiteIdentity, storableKey } from "../../../bridgeMessages";
import { frameOptions } from "../frameOptions";
import { createStore } from "../state/store";

export interface HostState {
	/** The loader shows the panel (always true when frame.html is opened on its own). */
	open: boolean;
	/** The host page the visitor is on, attached to each message so agents see it. */
	pageUrl: string | null;
	/** The browser tab is in the foreground. */
	tabVisible: boolean;
}

export const hostState = createStore<HostState>({
	open: !frameOptions.embedded,
	pageUrl: null,
	tabVisible: document.visibilityState === "visible",
});

/** Whether the visitor can see the conversation right now (what makes a message "read"). */
export function conversationVisible(): boolean {
	const { open, tabVisible } = hostState.get();
	return open && tabVisible;
}

// The host page's origin: exact from ancestorOrigins (Chromium, Safari), else from the referrer,
// else learnt from the loader's first message. Messages wait until we know where they may go.
let hostOrigin: string | null = location.ancestorOrigins?.[0] ?? originOf(document.referrer);
const waiting: FrameToLoaderMessage[] = [];

/** The host page's origin once known (exact: from the browser, never from a message's content). */
export function knownHostOrigin(): string | null {
	return hostOrigin;
}

function originOf(url: string): string | null {
	try {
		return url ? new URL(url).origin : null;
	} catch {
		return null;
	}
}

/** Posts to the loader on the host page, never to any other origin. */
export function postToHost(message: FrameToLoaderMessage): void {
	if (!frameOptions.embedded) return;
	if (hostOrigin) window.parent.postMessage(message, hostOrigin);
	else waiting.push(message);
}

function safePageUrl(value: unknown): string | null {
	// The server takes http(s) URLs up to 2000 characters; a longer one would reject the message.
	if (typeof value !== "string" || value.length > 2000 || !/^https?:\/\//i.test(value)) return null;
	return value;
}

// The site's signed-in user, as the loader passed it with the storage snapshot.
let identity: SiteIdentity | null = null;

/** The site's signed-in user (null for an anonymous visitor); known once the snapshot arrived. */
export function hostIdentity(): SiteIdentity | null {
	return identity;
}

// The loader answers "ready" with the frame's data from the host page's storage.
let receiveSnapshot: (entries: Record<string, string>) => void = () => {};
const snapshot = new Promise<Record<string, string>>((resolve) => {
	receiveSnapshot = resolve;
});

/** Only our keys with string values; anything else in the message is dropped. */
function storageEntries(value: unknown): Record<string, string> {
	const entries: Record<string, string> = {};
	if (typeof value !== "object" || value === null) return entries;
	for (const [key, entry] of Object.entries(value)) {
		if (storableKey(key) && typeof entry === "string") entries[key] = entry;
	}
	return entries;
}

/** The host page's copy of the frame's data; null without a loader or when it does not answer in time. */
export function hostStorageSnapshot(timeoutMs: number): Promise<Record<string, string> | null> {
	if (!frameOptions.embedded) return Promise.resolve(null);
	return Promise.race([snapshot, new Promise<null>((resolve) => setTimeout(() => resolve(null), timeoutMs))]);
}

function onHostMessage(event: MessageEvent): void {
	if (event.source !== window.parent || (hostOrigin && event.origin !== hostOrigin)) return;
	if (!hostOrigin) {
		hostOrigin = event.origin;
		for (const message of waiting.splice(0)) postToHost(message);
	}
	const data = event.data as { open?: unknown; url?: unknown; entries?: unknown; identity?: unknown };
	const type = bridgeMessageType(data);
	if (type === "destek:storage") {
		identity = readSiteIdentity(data.identity);
		receiveSnapshot(storageEntries(data.entries));
	}
	// Another user signed in or out on the site: start over, so the page holds nothing of the last one's chat.
	if (type === "destek:identity" && JSON.stringify(readSiteIdentity(data.identity)) !== JSON.stringify(identity)) location.reload();
	if (type === "destek:visibility") hostState.update((s) => ({ ...s, open: data.open === true }));
	if (type === "destek:page") hostState.update((s) => ({ ...s, pageUrl: safePageUrl(data.url) }));
}

/** Listens to the loader and the tab, and tells the loader the frame is ready. */
export function startHostBridge(): void {
	document.addEventListener("visibilitychange", () =>
		hostState.update((s) => ({ ...s, tabVisible: document.visibilityState === "visible" })),
	);
	if (!frameOptions.embedded) return;
	window.addEventListener("message", onHostMessage);
	// Keys pressed in the frame never reach the host page, so Esc is handled on this side too.
	document.addEventListener("keydown", (event) => {
		if (event.key === "Escape" && !event.defaultPrevented) postToHost({ type: "destek:close" });
	});
	// "ready" carries nothing private, so it may go out before the host's origin is known.
	window.parent.postMessage({ type: "destek:ready" } satisfies FrameToLoaderMessage, hostOrigin ?? "*");
}
