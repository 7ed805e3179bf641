import type { LoaderOptions } from "./loaderOptions";
import { launcherCss } from "./launcherStyles";
import { loaderStrings } from "./loaderStrings";

/** The launcher button, its unread badge and the (still empty) panel the frame goes into. */
export interface LauncherView {
	button: HTMLButtonElement;
	panel: HTMLDivElement;
	setOpen: (open: boolean) => void;
	setUnread: (count: number) => void;
	/** Redraws the launcher in another colour or on another side. */
	restyle: (color: string, side: "left" | "right") => void;
}

// Static markup only: every text that depends on language or data is set through the DOM API.
const CHAT_ICON = '<path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12Z"/>';
const CLOSE_ICON = '<path d="M6 6l12 12M18 6L6 18"/>';
const MARKUP = `<div class="root"><div class="panel"></div><button type="button" class="launcher" aria-expanded="false" aria-describedby="u">
<svg class="chat" viewBox="0 0 24 24" aria-hidden="true">${CHAT_ICON}</svg><svg class="close" viewBox="0 0 24 24" aria-hidden="true">${CLOSE_ICON}</svg>
<span class="badge" aria-hidden="true" hidden></span></button><span class="sr" id="u"></span></div>`;

function adoptStyles(root: ShadowRoot, css: string): void {
	// A constructed sheet is CSSOM, so it works even where the host page's CSP forbids inline <style>.
	try {
		const sheet = new CSSStyleSheet();
		sheet.replaceSync(css);
		root.adoptedStyleSheets = [sheet];
	} catch {
		const style = root.querySelector("style") ?? root.appendChild(document.createElement("style"));
		style.textContent = css;
	}
}

/** Draws the launcher inside a closed shadow root on a host element at the end of <body>. */
export function createLauncherView(options: LoaderOptions): LauncherView {
	const strings = loaderStrings(options.language);
	const host = document.createElement("destek-widget");
	// `all: initial` as an important inline declaration beats any page rule aimed at our host.
	host.style.setProperty("all", "initial", "important");
	const shadow = host.attachShadow({ mode: "closed" });
	shadow.innerHTML = MARKUP;
	adoptStyles(shadow, launcherCss(options.color, options.position));
	document.body.appendChild(host);

	const root = shadow.querySelector(".root") as HTMLDivElement;
	const button = shadow.querySelector("button") as HTMLButtonElement;
	const badge = shadow.querySelector(".badge") as HTMLSpanElement;
	const unreadText = shadow.getElementById("u") as HTMLSpanElement;
	const panel = shadow.querySelector(".panel") as HTMLDivElement;
	button.setAttribute("aria-label", strings.open);

	return {
		button,
		panel,
		setOpen(open) {
			root.classList.toggle("open", open);
			button.setAttribute("aria-expanded", String(open));
			button.setAttribute("aria-label", open ? strings.close : strings.open);
		},
		restyle(color, side) {
			adoptStyles(shadow, launcherCss(color, side));
		},
		setUnread(count) {
			const shown = Math.max(0, Math.min(99, Math.floor(count)));
			badge.hidden = shown === 0;
			badge.textContent = count > 99 ? "99+" : String(shown);
			unreadText.textContent = shown === 0 ? "" : strings.unread(shown);
		},
	};
}
