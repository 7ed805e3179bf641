/** Browser and OS from a user-agent string, e.g. "Chrome 126 · Windows"; null when unknown. */
export function describeUserAgent(userAgent: string): string | null {
	const browsers: Array<[string, RegExp]> = [
		// Order matters: Edge and Opera also claim to be Chrome, and Chrome claims to be Safari.
		["Edge", /Edg(?:e|A|iOS)?\/(\d+)/],
		["Opera", /OPR\/(\d+)/],
		["Samsung Internet", /SamsungBrowser\/(\d+)/],
		["Firefox", /(?:Firefox|FxiOS)\/(\d+)/],
		["Chrome", /(?:Chrome|CriOS)\/(\d+)/],
		["Safari", /Version\/(\d+)[\d.]* (?:Mobile\/\S+ )?Safari/],
	];
	const systems: Array<[string, RegExp]> = [
		["Android", /Android/],
		["iOS", /iPhone|iPad|iPod/],
		["Windows", /Windows/],
		["macOS", /Mac OS X|Macintosh/],
		["ChromeOS", /CrOS/],
		["Linux", /Linux/],
	];
	let browser: string | null = null;
	for (const [name, pattern] of browsers) {
		const match = pattern.exec(userAgent);
		if (match) {
			browser = `${name} ${match[1]}`;
			break;
		}
	}
	const system = systems.find(([, pattern]) => pattern.test(userAgent))?.[0] ?? null;
	const parts = [browser, system].filter(Boolean);
	return parts.length > 0 ? parts.join(" · ") : null;
}
