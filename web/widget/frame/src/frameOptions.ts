import { isLanguage, type Language } from "../../../shared/i18n";
import { parseAccent } from "../../accentColor";

/** The embed settings the loader passes in the frame's query string, validated again here. */
export interface FrameOptions {
	language: Language;
	color: string;
	/** The embed code set data-color: it wins over the inbox's colour. */
	colorSet: boolean;
	greeting: string;
	/** The inbox (website) named by the loader's data-inbox; "default" without one. The server falls back to the default for an unknown id. */
	inbox: string;
	/** False when frame.html is opened on its own (no loader, so no close button). */
	embedded: boolean;
}

function browserLanguage(): Language {
	return navigator.language.toLowerCase().startsWith("tr") ? "tr" : "en";
}

export function readFrameOptions(): FrameOptions {
	const params = new URLSearchParams(location.search);
	const lang = params.get("lang");
	const inbox = params.get("inbox") ?? "";
	return {
		language: isLanguage(lang) ? lang : browserLanguage(),
		color: parseAccent(params.get("color")),
		colorSet: params.has("color"),
		greeting: (params.get("greeting") ?? "").trim().slice(0, 500),
		inbox: /^[\w-]{1,64}$/.test(inbox) ? inbox : "default",
		embedded: window.parent !== window,
	};
}

export const frameOptions = readFrameOptions();
