// The console's service worker (scope /console/): an offline shell and web push.
//
// - Install caches the offline page and the console's built files (read from index.html), so the app
//   opens without the network and says it is offline instead of the browser's error page.
// - Navigations go to the network first (the console is live data); when it is gone, the offline page.
//   Hashed build files (/console/assets/) never change: cache first. The API and sockets pass through.
// - A push shows its notification (the server sends JSON: see src/protocol/push.ts, PushPayload). A
//   ringing call has Accept and Reject: both open the console at the call (/calls/<id>?action=...),
//   which accepts or rejects it over its authenticated socket, exactly as its own buttons do.

const CACHE = "destek-console-v1";
const SCOPE = new URL("./", self.location.href).pathname; // "/console/"
const OFFLINE_PAGE = `${SCOPE}offline.html`;
const SHELL = [OFFLINE_PAGE, `${SCOPE}offline.css`, `${SCOPE}offline.js`, `${SCOPE}favicon.svg`, `${SCOPE}icon-192.png`, `${SCOPE}badge-96.png`, `${SCOPE}manifest.webmanifest`];

/** The built files index.html loads (scripts, styles), so the shell they make is cached too. */
async function builtAssets() {
	try {
		const response = await fetch(SCOPE, { cache: "no-store", credentials: "omit" });
		if (!response.ok) return [];
		const html = await response.text();
		return [...html.matchAll(/(?:src|href)="([^"]+\/assets\/[^"]+)"/g)].map((match) => match[1]);
	} catch {
		return [];
	}
}

self.addEventListener("install", (event) => {
	event.waitUntil(
		(async () => {
			const cache = await caches.open(CACHE);
			await cache.addAll(SHELL);
			// Best effort: a file that fails to load is fetched (and cached) on first use instead.
			await Promise.all((await builtAssets()).map((url) => cache.add(url).catch(() => undefined)));
			await self.skipWaiting();
		})(),
	);
});

self.addEventListener("activate", (event) => {
	event.waitUntil(
		(async () => {
			for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
			await self.clients.claim();
		})(),
	);
});

self.addEventListener("fetch", (event) => {
	const request = event.request;
	if (request.method !== "GET") return;
	const url = new URL(request.url);
	if (url.origin !== self.location.origin || !url.pathname.startsWith(SCOPE)) return;
	if (request.mode === "navigate") {
		event.respondWith(
			fetch(request).catch(async () => (await caches.match(OFFLINE_PAGE)) ?? Response.error()),
		);
		return;
	}
	if (url.pathname.startsWith(`${SCOPE}assets/`)) {
		event.respondWith(
			(async () => {
				const cached = await caches.match(request);
				if (cached) return cached;
				const response = await fetch(request);
				if (response.ok) {
					const copy = response.clone();
					event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
				}
				return response;
			})(),
		);
		return;
	}
	if (SHELL.includes(url.pathname)) {
		// The shell's own files: fresh when online, cached when not.
		event.respondWith(fetch(request).catch(async () => (await caches.match(url.pathname)) ?? Response.error()));
	}
});

/** What a push says; a push without a readable payload still shows something (browsers require it). */
function readPush(data) {
	try {
		const payload = data?.json();
		if (payload && typeof payload.title === "string") return payload;
	} catch {
		// fall through
	}
	return { kind: "message", title: "destek", body: data?.text() ?? "", path: "/", tag: "destek" };
}

self.addEventListener("push", (event) => {
	const push = readPush(event.data);
	const options = {
		body: push.body,
		tag: push.tag,
		renotify: true,
		icon: `${SCOPE}icon-192.png`,
		badge: `${SCOPE}badge-96.png`,
		data: { path: push.path, kind: push.kind },
		// A ringing call stays on screen until it is answered, rejected or dismissed.
		requireInteraction: push.kind === "call",
		...(push.kind === "call" ? { vibrate: [400, 200, 400, 200, 400] } : {}),
		...(Array.isArray(push.actions) ? { actions: push.actions } : {}),
	};
	event.waitUntil(self.registration.showNotification(push.title, options));
});

/** Opens the console at `path`: in a console window already open (focused) if there is one. */
async function openConsole(path) {
	const url = new URL(`.${path.startsWith("/") ? path : `/${path}`}`, self.registration.scope).href;
	const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
	const open = windows.find((client) => new URL(client.url).pathname.startsWith(SCOPE));
	if (open) {
		const focused = await open.focus();
		try {
			return await focused.navigate(url);
		} catch {
			// An uncontrolled window cannot be navigated from here: open a new one.
		}
	}
	return self.clients.openWindow(url);
}

self.addEventListener("notificationclick", (event) => {
	const notification = event.notification;
	const { path = "/", kind } = notification.data ?? {};
	notification.close();
	const action = kind === "call" && (event.action === "accept" || event.action === "reject") ? event.action : null;
	event.waitUntil(openConsole(action ? `${path}?action=${action}` : path));
});
