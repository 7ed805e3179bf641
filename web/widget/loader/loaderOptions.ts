import type { Language } from "../../shared/i18n";
import { parseAccent } from "../accentColor";
import { readSiteIdentity, type SiteIdentity } from "../bridgeMessages";

/** What the business set on the script tag, with defaults filled in. */
export interface LoaderOptions {
	/** The destek server: where the frame, the socket and the API live. */
	origin: string;
	position: "left" | "right";
	color: string;
	language: Language;
	greeting: string;
	/** Set on the script tag: they win over the inbox's look from the console. */
	colorSet: boolean;
	positionSet: boolean;
	/** The site's signed-in user from data-user-* (window.destek.identify may change it). */
	identity: SiteIdentity | null;
	/** data-inbox: which inbox (website) of the install this is; empty means the default one. */
	inbox: string;
}

/** Our own script tag; `currentScript` is only set while the script first runs. */
export function findOwnScript(): HTMLScriptElement | null {
	const current = document.currentScript;
	if (current instanceof HTMLScriptElement && current.src) return current;
	return document.querySelector<HTMLScriptElement>('script[src$="/widget.js"]');
}

function pickLanguage(requested: string | undefined): Language {
	if (requested === "tr" || requested === "en") return requested;
	return (navigator.language || "").toLowerCase().startsWith("tr") ? "tr" : "en";
}

/** The inbox's launcher look, as the frame last told it (see main.ts). */
export interface LauncherLook {
	colour: string | null;
	position: "left" | "right";
}

const LOOK_KEY = "destek:look";

/** The look the frame told on an earlier page, so the launcher has it before any request. */
function cachedLook(): Partial<LauncherLook> {
	try {
		return JSON.parse(localStorage.getItem(LOOK_KEY) ?? "{}") ?? {};
	} catch {
		return {};
	}
}

export function cacheLook(look: LauncherLook): void {
	try {
		localStorage.setItem(LOOK_KEY, JSON.stringify(look));
	} catch {
		// Without storage the launcher takes the inbox's look once the frame has loaded.
	}
}

/** Reads the data- attributes; anything unexpected falls back to the inbox's look, then the default. */
export function readLoaderOptions(script: HTMLScriptElement): LoaderOptions {
	const data = script.dataset;
	const look = cachedLook();
	const positionSet = data.position === "left" || data.position === "right";
	return {
		origin: new URL(script.src, location.href).origin,
		position: (positionSet ? data.position : look.position) === "left" ? "left" : "right",
		color: parseAccent(data.color || look.colour),
		colorSet: Boolean(data.color),
		positionSet,
		language: pickLanguage(data.language),
		greeting: (data.greeting ?? "").slice(0, 500),
		identity: readSiteIdentity({ userId: data.userId, userHash: data.userHash, name: data.userName, email: data.userEmail }),
		inbox: /^[\w-]{1,64}$/.test(data.inbox ?? "") ? (data.inbox as string) : "",
	};
}

/** The frame's address; every value is encoded, the frame validates them again. */
export function frameUrl(options: LoaderOptions): string {
	const params: Record<string, string> = {
		lang: options.language,
		greeting: options.greeting,
		position: options.position,
	};
	// Without data-inbox the frame's address stays what it always was (the default inbox).
	if (options.inbox) params.inbox = options.inbox;
	// Only the tag's own colour: without one the frame takes its inbox's.
	if (options.colorSet) params.color = options.color;
	const query = Object.keys(params)
		.map((key) => `${key}=${encodeURIComponent(params[key] ?? "")}`)
		.join("&");
	return `${options.origin}/widget/frame.html?${query}`;
}
