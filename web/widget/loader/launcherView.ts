import type { Language } from "../../shared/i18n";
import type { LoaderOptions } from "./loaderOptions";
import { launcherCss } from "./launcherStyles";
import { loaderStrings } from "./loaderStrings";

/** The launcher button, its unread badge, the message preview and the (still empty) panel the frame goes into. */
export interface LauncherView {
	button: HTMLButtonElement;
	panel: HTMLDivElement;
	/** The preview bubble's button; a click opens the chat. */
	previewButton: HTMLButtonElement;
	setOpen: (open: boolean) => void;
	setUnread: (count: number) => void;
	/** Shows an agent's message beside the launcher: the name and the first line. */
	showPreview: (name: string | null, text: string) => void;
	hidePreview: () => void;
	/** Redraws the launcher in another colour or on another side. */
	restyle: (color: string, side: "left" | "right") => void;
	setLanguage: (language: Language) => void;
}

// Static markup only: every text that depends on language or data is set through the DOM API.
const CHAT_ICON = '<path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12Z"/>';
const CLOSE_ICON = '<path d="M6 6l12 12M18 6L6 18"/>';
const MARKUP = `<div class="root"><div class="panel"></div><button type="button" class="launcher" aria-expanded="false" aria-describedby="u">
<svg class="chat" viewBox="0 0 24 24" aria-hidden="true">${CHAT_ICON}</svg><svg class="close" viewBox="0 0 24 24" aria-hidden="true">${CLOSE_ICON}</svg>
<span class="badge" aria-hidden="true" hidden></span></button><span class="sr" id="u"></span>
<span class="sr" role="status" id="p"></span><div class="pv"><div class="pvb" hidden><button type="button" class="pvo"><b aria-hidden="true"></b> <span aria-hidden="true"></span></button>
<button type="button" class="pvx"><svg viewBox="0 0 24 24" aria-hidden="true">${CLOSE_ICON}</svg></button></div></div></div>`;

/** The first line of a message, cut to what a bubble shows. */
function firstLine(text: string): string {
	const line = text.trim().split("\n")[0]?.trim() ?? "";
	return line.length > 140 ? `${line.slice(0, 139)}…` : line;
}

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
	let strings = loaderStrings(options.language);
	const host = document.createElement("destek-widget");
	// `all: initial` as an important inline declaration beats any page rule aimed at our host.
	host.style.setProperty("all", "initial", "important");
	const shadow = host.attachShadow({ mode: "closed" });
	shadow.innerHTML = MARKUP;
	adoptStyles(shadow, launcherCss(options.color, options.position));
	document.body.appendChild(host);

	const find = <T extends Element>(selector: string) => shadow.querySelector(selector) as T;
	const root = find<HTMLDivElement>(".root");
	const button = find<HTMLButtonElement>(".launcher");
	const badge = find<HTMLSpanElement>(".badge");
	const unreadText = find<HTMLSpanElement>("#u");
	const panel = find<HTMLDivElement>(".panel");
	const bubble = find<HTMLDivElement>(".pvb");
	const previewButton = find<HTMLButtonElement>(".pvo");
	const dismiss = find<HTMLButtonElement>(".pvx");
	const previewName = find<HTMLElement>(".pvo b");
	const previewLine = find<HTMLSpanElement>(".pvo span");
	// The bubble's text again in a live region, so a screen reader says it as it appears.
	const announce = find<HTMLSpanElement>("#p");
	let open = false;
	let unread = 0;
	let preview: { name: string | null; text: string } | null = null;

	// Every language-dependent text, drawn again after setLanguage.
	const label = () => {
		button.setAttribute("aria-label", open ? strings.close : strings.open);
		unreadText.textContent = unread === 0 ? "" : strings.unread(unread);
		dismiss.setAttribute("aria-label", strings.dismiss);
		if (preview) {
			const name = preview.name || strings.team;
			const line = firstLine(preview.text) || strings.file;
			previewName.textContent = name;
			previewLine.textContent = line;
			previewButton.setAttribute("aria-label", strings.preview(name, line));
		}
		announce.textContent = preview ? (previewButton.getAttribute("aria-label") as string) : "";
	};
	const hidePreview = () => {
		preview = null;
		bubble.hidden = true;
		announce.textContent = "";
	};
	dismiss.addEventListener("click", () => {
		hidePreview();
		button.focus();
	});
	label();

	return {
		button,
		panel,
		previewButton,
		setOpen(next) {
			open = next;
			root.classList.toggle("open", open);
			button.setAttribute("aria-expanded", String(open));
			if (open) hidePreview();
			label();
		},
		restyle(color, side) {
			adoptStyles(shadow, launcherCss(color, side));
		},
		setUnread(count) {
			unread = Math.max(0, Math.min(99, Math.floor(count)));
			badge.hidden = unread === 0;
			// Drawn by CSS (::after): as text in the button it would be visible text missing from the
			// button's name ("Open chat", WCAG 2.5.3); the count is in its description instead.
			badge.dataset.n = count > 99 ? "99+" : String(unread);
			// Read elsewhere (another tab, the open chat): nothing left to preview.
			if (unread === 0) hidePreview();
			label();
		},
		showPreview(name, text) {
			preview = { name, text };
			bubble.hidden = false;
			label();
		},
		hidePreview,
		setLanguage(language) {
			strings = loaderStrings(language);
			label();
		},
	};
}
