import { dropSiteIdentity, identityState, siteIdentity, visitorToken } from "../visitorIdentity";
import { attachCalls } from "./callStore";
import { attachChat, chatState } from "./chatStore";
import { attachReadReceipts } from "./readReceipts";
import { attachTypingSignals } from "./typingSignals";
import { nextRetryDelay, refusalOf } from "./refusal";
import { connectVisitorSocket } from "./visitorSocket";
import { frameOptions } from "../frameOptions";

const RETRY_FIRST_MS = 2_000;
const RETRY_MAX_MS = 30_000;

/** Opens the visitor socket and wires every chat feature to it. */
export function startChat(language: string): void {
	const socket = connectVisitorSocket(() => ({ visitorToken: visitorToken(), language, identity: siteIdentity(), inbox: frameOptions.inbox }));
	attachChat(socket);
	attachCalls(socket);
	attachTypingSignals(socket);
	attachReadReceipts(socket);

	// socket.io retries lost connections itself, but not a handshake the server refused (e.g. rate
	// limited); those are retried here once, after the server's retry time or the backoff, whichever is later.
	let retryMs = RETRY_FIRST_MS;
	let retryTimer: ReturnType<typeof setTimeout> | undefined;
	socket.on("connect", () => {
		retryMs = RETRY_FIRST_MS;
		chatState.update((state) => ({ ...state, refusal: null }));
	});
	socket.on("connect_error", (error) => {
		const refusal = refusalOf(error);
		chatState.update((state) => ({
			...state,
			connection: "disconnected",
			refusal: refusal ? { id: refusal.id, retryAt: Date.now() + refusal.retryAfterMs } : null,
		}));
		// Only the site's signed-in users may chat: retrying cannot help, the widget says so.
		if (error.message === "identity_required") return identityState.set({ required: true });
		// The site's signature was not accepted: carry on at once as a new anonymous visitor.
		if (error.message === "identity_invalid") {
			dropSiteIdentity();
			return socket.connect();
		}
		if (socket.active) return;
		clearTimeout(retryTimer);
		retryTimer = setTimeout(() => socket.connect(), nextRetryDelay(refusal, retryMs));
		retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
	});
}
