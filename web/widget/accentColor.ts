// The business picks one accent colour; everything drawn with it must stay readable (WCAG AA),
// so text colours are derived from it here instead of being trusted.

export const DEFAULT_ACCENT = "#4f46e5";
const HEX_COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

type Rgb = [number, number, number];

/** A valid `#rgb`/`#rrggbb` colour as lower-case `#rrggbb`, else the default accent. */
export function parseAccent(value: string | null | undefined): string {
	if (!value || !HEX_COLOR.test(value)) return DEFAULT_ACCENT;
	const hex = value.slice(1).toLowerCase();
	return hex.length === 3 ? `#${hex.replace(/./g, "$&$&")}` : `#${hex}`;
}

function toRgb(color: string): Rgb {
	const n = Number.parseInt(color.slice(1), 16);
	return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function toHex(rgb: Rgb): string {
	return `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, "0")).join("")}`;
}

function luminance(rgb: Rgb): number {
	const [r, g, b] = rgb.map((c) => {
		const s = c / 255;
		return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
	}) as Rgb;
	return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two `#rrggbb` colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
	const [hi, lo] = [luminance(toRgb(a)), luminance(toRgb(b))].sort((x, y) => y - x) as [number, number];
	return (hi + 0.05) / (lo + 0.05);
}

/** White or near-black, whichever reads better on the accent (one always reaches 4.5:1). */
export function textOnAccent(accent: string): string {
	return contrastRatio(accent, "#ffffff") >= contrastRatio(accent, "#18181b") ? "#ffffff" : "#18181b";
}

/** The accent, darkened or lightened just enough to be readable as text on `background`. */
export function accentAsTextOn(accent: string, background: string): string {
	const from = toRgb(accent);
	const towards: Rgb = luminance(toRgb(background)) > 0.5 ? [0, 0, 0] : [255, 255, 255];
	for (let step = 0; step <= 20; step++) {
		const t = step / 20;
		const mixed = toHex(from.map((c, i) => c + ((towards[i] ?? 0) - c) * t) as Rgb);
		if (contrastRatio(mixed, background) >= 4.6) return mixed;
	}
	return toHex(towards);
}
