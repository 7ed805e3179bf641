import { accentAsTextOn, textOnAccent } from "../../accentColor";

// Backgrounds the accent is drawn on as text (links, read ticks, focus rings); see styles/theme.css.
const LIGHT_BUBBLE = "#f1f1f3";
const DARK_BUBBLE = "#2a2a2f";

/** Sets the accent custom properties through the CSSOM (allowed by the frame's CSP, unlike style=""). */
export function applyAccent(accent: string): void {
	const style = document.documentElement.style;
	style.setProperty("--accent", accent);
	style.setProperty("--on-accent", textOnAccent(accent));
	style.setProperty("--accent-text-light", accentAsTextOn(accent, LIGHT_BUBBLE));
	style.setProperty("--accent-text-dark", accentAsTextOn(accent, DARK_BUBBLE));
}
