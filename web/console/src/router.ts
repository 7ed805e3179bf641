import { useEffect, useState } from "preact/hooks";

/** Console routes, relative to the `/console` base the server mounts us on. */
export const ROUTES = {
	home: "/",
	setup: "/setup",
	settings: "/settings",
	calls: "/calls",
	team: "/team",
	audit: "/audit",
	accessLog: "/access-log",
	/** Invite and password-reset links land here, with the token after `#`. */
	invite: "/invite",
	reset: "/reset",
	canned: "/canned",
	contacts: "/contacts",
	labels: "/labels",
	callbacks: "/callbacks",
	inboxes: "/inboxes",
	apiTokens: "/api-tokens",
	webhooks: "/webhooks",
	reports: "/reports",
} as const;

const INBOX_PREFIX = "/inboxes/";

/** The route of one inbox's page (admins): its snippet, members and the sections others add. */
export function inboxRoute(id: string): string {
	return INBOX_PREFIX + encodeURIComponent(id);
}

/** The inbox id in an inbox route, else null. */
export function inboxIdOf(route: string): string | null {
	return idAfter(INBOX_PREFIX, route);
}

const CONVERSATION_PREFIX = "/conversations/";

/** The route of one conversation in the inbox. */
export function conversationRoute(id: string): string {
	return CONVERSATION_PREFIX + encodeURIComponent(id);
}

/** The one path segment after `prefix` in `route`, decoded; null for any other route. */
function idAfter(prefix: string, route: string): string | null {
	if (!route.startsWith(prefix)) return null;
	try {
		const id = decodeURIComponent(route.slice(prefix.length));
		return id && !id.includes("/") ? id : null;
	} catch {
		return null; // a malformed %-escape in a hand-typed URL
	}
}

/** The conversation id in a conversation route, else null. */
export function conversationIdOf(route: string): string | null {
	return idAfter(CONVERSATION_PREFIX, route);
}

const CONTACT_PREFIX = "/contacts/";

/** The route of one contact's page. */
export function contactRoute(id: string): string {
	return CONTACT_PREFIX + encodeURIComponent(id);
}

/** The contact id in a contact route, else null. */
export function contactIdOf(route: string): string | null {
	return idAfter(CONTACT_PREFIX, route);
}

/** The business-hours editor of one inbox. */
export function inboxHoursRoute(inboxId: string): string {
	return `/inboxes/${encodeURIComponent(inboxId)}/hours`;
}

/** The inbox id in an inbox's hours route, else null. */
export function inboxHoursIdOf(route: string): string | null {
	const match = /^\/inboxes\/([^/]+)\/hours$/.exec(route);
	return match?.[1] ? idAfter("/", `/${match[1]}`) : null;
}

const CALL_PREFIX = "/calls/";

/** The route that opens the console on one incoming call (Telegram's Accept button links here). */
export function callRoute(id: string): string {
	return CALL_PREFIX + encodeURIComponent(id);
}

/** The call id in a call route, else null ("/calls/history" is the history, not a call). */
export function callIdOf(route: string): string | null {
	const id = idAfter(CALL_PREFIX, route);
	return id === "history" ? null : id;
}

// Not "/calls/<id>": that opens the console on an incoming call (see callRoute).
const CALL_HISTORY_PREFIX = "/calls/history/";

/** The route of one past (or live) call with its recordings. */
export function callHistoryRoute(id: string): string {
	return CALL_HISTORY_PREFIX + encodeURIComponent(id);
}

/** The access log (admins) filtered by one call. */
export function accessLogOfCall(callId: string): string {
	return `/access-log?callId=${encodeURIComponent(callId)}`;
}

/** The call id in a call history route, else null. */
export function callHistoryIdOf(route: string): string | null {
	return idAfter(CALL_HISTORY_PREFIX, route);
}

const INBOX_SETTINGS = /^\/inboxes\/([^/]+)\/settings$/;

/** The route of one inbox's settings (widget look, calls): "/inboxes/:id/settings". */
export function inboxSettingsRoute(inboxId: string): string {
	return `/inboxes/${encodeURIComponent(inboxId)}/settings`;
}

/** The inbox id in an inbox settings route, else null. */
export function inboxSettingsIdOf(route: string): string | null {
	const match = INBOX_SETTINGS.exec(route);
	if (!match?.[1]) return null;
	try {
		return decodeURIComponent(match[1]);
	} catch {
		return null;
	}
}

/** Messages one page leaves for the next one through history state. */
export type RouteNotice = "setupComplete";

const BASE_PATH = import.meta.env.BASE_URL.replace(/\/$/, "");
const ROUTE_CHANGE_EVENT = "destek:route";

/** The current path without the base, e.g. "/setup"; always starts with "/". */
function readRoute(): string {
	const path = location.pathname.startsWith(BASE_PATH)
		? location.pathname.slice(BASE_PATH.length)
		: location.pathname;
	return path.replace(/\/+$/, "") || "/";
}

/** The full URL path of a route, for `href`s. */
export function routeHref(route: string): string {
	return BASE_PATH + route;
}

/** Changes the page without a reload; `replace` keeps the old URL out of the history. */
export function navigate(route: string, options: { replace?: boolean; notice?: RouteNotice } = {}): void {
	const state = options.notice ? { notice: options.notice } : null;
	if (options.replace) history.replaceState(state, "", routeHref(route));
	else history.pushState(state, "", routeHref(route));
	window.dispatchEvent(new Event(ROUTE_CHANGE_EVENT));
}

/** The notice the previous page left for this one, if any. */
export function readRouteNotice(): RouteNotice | null {
	const state: unknown = history.state;
	if (typeof state === "object" && state !== null && "notice" in state && state.notice === "setupComplete") {
		return state.notice;
	}
	return null;
}

/** The current route, updated on navigate() and the browser's back/forward. */
export function useRoute(): string {
	const [route, setRoute] = useState(readRoute);
	useEffect(() => {
		const update = () => setRoute(readRoute());
		window.addEventListener("popstate", update);
		window.addEventListener(ROUTE_CHANGE_EVENT, update);
		return () => {
			window.removeEventListener("popstate", update);
			window.removeEventListener(ROUTE_CHANGE_EVENT, update);
		};
	}, []);
	return route;
}

/** Lets plain links navigate in-app while keeping modifier-click (new tab) working. */
export function followLink(event: MouseEvent, route: string): void {
	if (event.defaultPrevented || event.button !== 0) return;
	if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
	event.preventDefault();
	navigate(route);
}
