import { readSiteIdentity } from "../bridgeMessages";
import { createFrameBridge } from "./frameBridge";
import { createLauncherView } from "./launcherView";
import { parseAccent } from "../accentColor";
import { cacheLook, findOwnScript, type LoaderOptions, readLoaderOptions } from "./loaderOptions";
import { createPageApi } from "./pageApi";

// widget.js: the only code a business puts on its pages. It stays tiny and makes no request
// until the visitor opens the chat (or a conversation is already under way, see ACTIVE_HINT).

/** Set on the host page while the visitor has a conversation, so unread replies show on the badge. */
const ACTIVE_HINT = "destek:active";

function readActiveHint(): boolean {
	try {
		return localStorage.getItem(ACTIVE_HINT) === "1";
	} catch {
		return false;
	}
}

function writeActiveHint(active: boolean): void {
	try {
		if (active) localStorage.setItem(ACTIVE_HINT, "1");
		else localStorage.removeItem(ACTIVE_HINT);
	} catch {
		// Without storage the badge only works once the visitor has opened the chat on this page.
	}
}

function mount(options: LoaderOptions): void {
	const view = createLauncherView(options);
	let open = false;

	const setOpen = (next: boolean, focusLauncher: boolean) => {
		if (next === open) return;
		open = next;
		const frame = next ? bridge.ensureFrame() : null;
		view.setOpen(next);
		bridge.setVisible(next);
		if (frame) frame.focus();
		else if (focusLauncher) view.button.focus();
		page.emit(next ? "open" : "close", undefined);
	};

	const bridge = createFrameBridge(options, view.panel, {
		onUnread: view.setUnread,
		onActive: writeActiveHint,
		onClose: () => setOpen(false, true),
		onOpen: () => setOpen(true, false),
		// The inbox's look from the console, unless the tag set its own; kept for the next page's launcher.
		onLook: (look) => {
			cacheLook(look);
			view.restyle(options.colorSet ? options.color : parseAccent(look.colour), options.positionSet ? options.position : look.position);
		},
		onMessage: (message) => {
			if (message.from === "agent" && !open) view.showPreview(message.name, message.text);
			page.emit("message", message);
		},
	});

	const page = createPageApi({
		open: () => setOpen(true, false),
		close: () => setOpen(false, false),
		identify: (user) => bridge.setIdentity(readSiteIdentity(user)),
		setLanguage: (language) => {
			if (language === options.language) return;
			options.language = language;
			view.setLanguage(language);
			bridge.reload();
		},
	});
	// The page's queued calls run now that the launcher and the bridge exist.
	page.expose();

	view.button.addEventListener("click", () => setOpen(!open, true));
	view.previewButton.addEventListener("click", () => setOpen(true, false));
	document.addEventListener("keydown", (event) => {
		if (open && event.key === "Escape") setOpen(false, true);
	});
	if (readActiveHint()) bridge.ensureFrame();
}

function start(): void {
	// Read our tag now: `currentScript` is gone once this first run is over.
	const script = findOwnScript();
	// A page that includes widget.js twice still gets one launcher.
	const flags = window as { destekLoaded?: boolean };
	if (!script || flags.destekLoaded) return;
	flags.destekLoaded = true;
	const options = readLoaderOptions(script);
	if (document.body) mount(options);
	else document.addEventListener("DOMContentLoaded", () => mount(options), { once: true });
}

start();
