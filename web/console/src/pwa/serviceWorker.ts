// The console as an installable app (web/console/public/sw.js and manifest.webmanifest): the service
// worker gives it an offline page and receives web push. Registered once on load; everything that
// needs it (turning push on) waits for `serviceWorkerReady`.

const SCRIPT = `${import.meta.env.BASE_URL}sw.js`;

/** Whether this browser can run the service worker and receive push at all. */
export function pushSupported(): boolean {
	return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

/** iPhone and iPad deliver web push only to the console added to the Home Screen (iOS 16.4 and later). */
export function needsHomeScreen(): boolean {
	const iOS = /iPhone|iPad|iPod/.test(navigator.userAgent) || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
	const standalone = (navigator as Navigator & { standalone?: boolean }).standalone === true || matchMedia("(display-mode: standalone)").matches;
	return iOS && !standalone;
}

let registration: Promise<ServiceWorkerRegistration> | null = null;

/** Registers the service worker (scope: the console); later calls get the same registration. */
export function registerServiceWorker(): Promise<ServiceWorkerRegistration> | null {
	if (!("serviceWorker" in navigator)) return null;
	registration ??= navigator.serviceWorker.register(SCRIPT, { scope: import.meta.env.BASE_URL, updateViaCache: "none" });
	return registration;
}

/** The active registration, once the worker is installed and running. */
export async function serviceWorkerReady(): Promise<ServiceWorkerRegistration> {
	const pending = registerServiceWorker();
	if (!pending) throw new Error("This browser has no service workers.");
	await pending;
	return navigator.serviceWorker.ready;
}

/** "Chrome on Android": what the agent sees in their list of devices. */
export function deviceName(userAgent: string = navigator.userAgent): string {
	const browser = (
		[
			["Edge", /Edg(e|A|iOS)?\//],
			["Samsung Internet", /SamsungBrowser\//],
			["Opera", /OPR\//],
			["Firefox", /(Firefox|FxiOS)\//],
			["Chrome", /(Chrome|CriOS)\//],
			["Safari", /Safari\//],
		] as const
	).find(([, pattern]) => pattern.test(userAgent))?.[0];
	const system = (
		[
			["Android", /Android/],
			["iPhone", /iPhone/],
			["iPad", /iPad/],
			["Windows", /Windows/],
			["ChromeOS", /CrOS/],
			["macOS", /Mac OS X|Macintosh/],
			["Linux", /Linux/],
		] as const
	).find(([, pattern]) => pattern.test(userAgent))?.[0];
	if (browser && system) return `${browser} on ${system}`;
	return browser ?? system ?? "Browser";
}

/** The VAPID public key (base64url) as the bytes PushManager.subscribe takes. */
export function applicationServerKey(base64url: string): Uint8Array<ArrayBuffer> {
	const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(base64url.length / 4) * 4, "=");
	const binary = atob(base64);
	const bytes = new Uint8Array(new ArrayBuffer(binary.length));
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return bytes;
}
