import {
	bridgeMessageType,
	HOST_STORAGE_MAX_KEYS,
	HOST_STORAGE_MAX_VALUE,
	HOST_STORAGE_PREFIX,
	type LoaderToFrameMessage,
	type SiteIdentity,
	storableKey,
} from "../bridgeMessages";
import { frameUrl, type LauncherLook, type LoaderOptions } from "./loaderOptions";

export interface FrameEvents {
	onUnread: (count: number) => void;
	onActive: (active: boolean) => void;
	onClose: () => void;
	onOpen: () => void;
	onLook: (look: LauncherLook) => void;
	onMessage: (message: PageMessage) => void;
}

/** A new message, as window.destek.on("message") hands it to the page. */
export interface PageMessage {
	from: "visitor" | "agent" | "system";
	name: string | null;
	text: string;
}

/** The widget frame: created at most once, talked to only on the destek origin. */
export interface FrameBridge {
	/** Creates the iframe in the panel unless it exists already. */
	ensureFrame: () => HTMLIFrameElement;
	setVisible: (open: boolean) => void;
	/** The site's user changed; the frame starts afresh for a different one. */
	setIdentity: (identity: SiteIdentity | null) => void;
	/** options.language changed: a loaded frame starts again in it. */
	reload: () => void;
}

function pageMessage(): LoaderToFrameMessage {
	return { type: "destek:page", url: location.href, title: document.title, referrer: document.referrer };
}

// The frame's storage is third-party and often blocked; the host page's is first-party and stays.
// Storage may be blocked here too: then the frame simply forgets on reload, as before.

function hostKeys(): string[] {
	const keys: string[] = [];
	for (let i = 0; i < localStorage.length; i++) {
		const key = localStorage.key(i);
		if (key?.startsWith(HOST_STORAGE_PREFIX)) keys.push(key);
	}
	return keys;
}

function storageSnapshot(identity: SiteIdentity | null): LoaderToFrameMessage {
	const entries: Record<string, string> = {};
	try {
		for (const key of hostKeys()) {
			const value = localStorage.getItem(key);
			if (value !== null) entries[key.slice(HOST_STORAGE_PREFIX.length)] = value;
		}
	} catch {
		// Blocked storage: an empty snapshot.
	}
	return { type: "destek:storage", entries, identity };
}

function store(key: unknown, value: unknown): void {
	if (!storableKey(key)) return;
	const hostKey = HOST_STORAGE_PREFIX + key;
	try {
		if (value === null) localStorage.removeItem(hostKey);
		else if (
			typeof value === "string" &&
			value.length <= HOST_STORAGE_MAX_VALUE &&
			(localStorage.getItem(hostKey) !== null || hostKeys().length < HOST_STORAGE_MAX_KEYS)
		)
			localStorage.setItem(hostKey, value);
	} catch {
		// Blocked or full: see above.
	}
}

export function createFrameBridge(options: LoaderOptions, panel: HTMLElement, events: FrameEvents): FrameBridge {
	let frame: HTMLIFrameElement | null = null;
	let ready = false;
	let visible = false;
	let identity = options.identity;

	function post(message: LoaderToFrameMessage): void {
		// Until the frame says ready its window may still hold about:blank; it gets the state on ready.
		if (ready) frame?.contentWindow?.postMessage(message, options.origin);
	}

	window.addEventListener("message", (event) => {
		if (!frame || event.origin !== options.origin || event.source !== frame.contentWindow) return;
		const data: unknown = event.data;
		switch (bridgeMessageType(data)) {
			case "destek:ready":
				ready = true;
				post(storageSnapshot(identity));
				post(pageMessage());
				post({ type: "destek:visibility", open: visible });
				break;
			case "destek:unread": {
				const count = (data as { count?: unknown }).count;
				if (typeof count === "number" && Number.isFinite(count)) events.onUnread(count);
				break;
			}
			case "destek:active":
				events.onActive((data as { active?: unknown }).active === true);
				break;
			case "destek:close":
				events.onClose();
				break;
			case "destek:open":
				events.onOpen();
				break;
			case "destek:look": {
				const { colour, position } = data as { colour?: unknown; position?: unknown };
				events.onLook({ colour: typeof colour === "string" ? colour : null, position: position === "left" ? "left" : "right" });
				break;
			}
			case "destek:message": {
				const { from, name, text } = data as { from?: unknown; name?: unknown; text?: unknown };
				if ((from === "visitor" || from === "agent" || from === "system") && typeof text === "string")
					events.onMessage({ from, name: typeof name === "string" ? name : null, text });
				break;
			}
			case "destek:store": {
				const { key, value } = data as { key?: unknown; value?: unknown };
				store(key, value);
				break;
			}
		}
	});

	return {
		ensureFrame() {
			if (frame) return frame;
			frame = document.createElement("iframe");
			frame.title = "destek chat";
			frame.allow = "microphone; camera; autoplay; clipboard-write; display-capture; fullscreen";
			frame.src = frameUrl(options);
			panel.appendChild(frame);
			return frame;
		},
		setVisible(open) {
			visible = open;
			post({ type: "destek:visibility", open });
			// The page may have changed (single-page apps) since the frame first heard of it.
			if (open) post(pageMessage());
		},
		reload() {
			if (!frame) return;
			// The frame says ready again once reloaded, and gets the state then.
			ready = false;
			frame.src = frameUrl(options);
		},
		setIdentity(next) {
			if (JSON.stringify(next) === JSON.stringify(identity)) return;
			identity = next;
			post({ type: "destek:identity", identity });
		},
	};
}
