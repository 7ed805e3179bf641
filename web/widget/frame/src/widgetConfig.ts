import { FALLBACK_CONFIG, fetchWidgetConfig, type PreChatRule, type WidgetConfig } from "./api/widgetApi";
import { createStore } from "./state/store";
import { parseAccent } from "../../accentColor";
import { applyAccent } from "./accentTheme";
import { frameOptions } from "./frameOptions";
import { isLanguage } from "../../../shared/i18n";
import { postToHost } from "./host/hostBridge";

/** Null while loading; the fallback when the server could not be asked (the server still enforces limits). */
export const widgetConfig = createStore<WidgetConfig | null>(null);

function rule(value: unknown): PreChatRule {
	return value === "required" || value === "optional" ? value : "off";
}

function positive(value: unknown, fallback: number): number {
	return typeof value === "number" && value > 0 ? value : fallback;
}

/** Fills anything missing or odd in the server's answer with the fallback. */
function normalize(raw: Partial<WidgetConfig>): WidgetConfig {
	const limits: Partial<WidgetConfig["limits"]> = raw.limits ?? {};
	return {
		preChat: { name: rule(raw.preChat?.name), email: rule(raw.preChat?.email), phone: rule(raw.preChat?.phone) },
		agentsOnline: raw.agentsOnline === true,
		limits: {
			messageLength: positive(limits.messageLength, FALLBACK_CONFIG.limits.messageLength),
			uploadBytes: positive(limits.uploadBytes, FALLBACK_CONFIG.limits.uploadBytes),
			kinds: Array.isArray(limits.kinds) ? limits.kinds : FALLBACK_CONFIG.limits.kinds,
		},
		recording: raw.recording === "audio" || raw.recording === "audio+video" ? raw.recording : "off",
		colour: typeof raw.colour === "string" ? parseAccent(raw.colour) : null,
		position: raw.position === "left" ? "left" : "right",
		greeting: typeof raw.greeting === "string" ? raw.greeting : "",
		callsEnabled: raw.callsEnabled !== false,
		languages: Array.isArray(raw.languages) ? raw.languages.filter(isLanguage) : [],
		privacy: raw.privacy ?? null,
	};
}

/** The inbox's look, unless the embed code set its own colour: on the frame, and told to the loader for the launcher. */
function applyLook(config: WidgetConfig): void {
	const colour = frameOptions.colorSet ? null : config.colour;
	if (colour) applyAccent(colour);
	postToHost({ type: "destek:look", colour, position: config.position });
}

/**
 * Loads the config, and settles the widget's language before its dictionary loads: the visitor's
 * (data-language, else the browser's) when the inbox offers it, else the first one it offers.
 */
export async function loadWidgetConfig(): Promise<void> {
	try {
		const config = normalize(await fetchWidgetConfig());
		const [first] = config.languages;
		if (first && !config.languages.includes(frameOptions.language)) frameOptions.language = first;
		widgetConfig.set(config);
		applyLook(config);
	} catch {
		widgetConfig.set(FALLBACK_CONFIG);
	}
}

/**
 * Asks the server again and keeps the answer: the recording mode is read when the visitor presses
 * Call, not from a page loaded before it changed. The last known config if the server cannot be reached.
 */
export async function freshWidgetConfig(): Promise<WidgetConfig> {
	try {
		const config = normalize(await fetchWidgetConfig());
		widgetConfig.set(config);
		return config;
	} catch {
		return widgetConfig.get() ?? FALLBACK_CONFIG;
	}
}
