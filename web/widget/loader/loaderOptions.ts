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

/** Reads the data- attributes; anything unexpected falls back to the default. */
export function readLoaderOptions(script: HTMLScriptElement): LoaderOptions {
	const data = script.dataset;
	return {
		origin: new URL(script.src, location.href).origin,
		position: data.position === "left" ? "left" : "right",
		color: parseAccent(data.color),
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
		color: options.color,
		greeting: options.greeting,
		position: options.position,
	};
	// Without data-inbox the frame's address stays what it always was (the default inbox).
	if (options.inbox) params.inbox = options.inbox;
	const query = Object.keys(params)
		.map((key) => `${key}=${encodeURIComponent(params[key] ?? "")}`)
		.join("&");
	return `${options.origin}/widget/frame.html?${query}`;
}
