import { visitorToken } from "../visitorIdentity";
import { attachCalls } from "./callStore";
import { attachChat, chatState } from "./chatStore";
import { attachReadReceipts } from "./readReceipts";
import { attachTypingSignals } from "./typingSignals";
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
	// limited); those are retried here, backing off.
	let retryMs = RETRY_FIRST_MS;
	socket.on("connect", () => {
		retryMs = RETRY_FIRST_MS;
	});
	socket.on("connect_error", () => {
		chatState.update((state) => ({ ...state, connection: "disconnected" }));
		if (socket.active) return;
		setTimeout(() => socket.connect(), retryMs);
		retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
	});
}
