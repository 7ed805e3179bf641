import { visitorToken } from "../visitorIdentity";
import { attachCalls } from "./callStore";
import { attachChat, chatState } from "./chatStore";
import { attachReadReceipts } from "./readReceipts";
import { attachTypingSignals } from "./typingSignals";
import { nextRetryDelay, refusalOf } from "./refusal";
import { connectVisitorSocket } from "./visitorSocket";

const RETRY_FIRST_MS = 2_000;
const RETRY_MAX_MS = 30_000;

/** Opens the visitor socket and wires every chat feature to it. */
export function startChat(language: string): void {
	const socket = connectVisitorSocket(visitorToken(), language);
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
		if (socket.active) return;
		clearTimeout(retryTimer);
		retryTimer = setTimeout(() => socket.connect(), nextRetryDelay(refusal, retryMs));
		retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
	});
}
