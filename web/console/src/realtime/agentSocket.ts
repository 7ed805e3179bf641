import { io, type Socket } from "socket.io-client";
import { ApiError } from "../api/http";
import type { Ack, AgentClientEvents, AgentServerEvents } from "../api/inboxTypes";
import { session } from "../session/sessionStore";
import { logFailure } from "../../../shared/logFailure";

export type AgentSocket = Socket<AgentServerEvents, AgentClientEvents>;

const ACK_TIMEOUT_MS = 10_000;
/** After this many rejected handshakes in a row, even with a fresh token, the session is given up. */
const MAX_AUTH_RETRIES = 3;
/** When a token refresh fails for a network reason, try the socket again this soon. */
const OFFLINE_RETRY_MS = 5_000;

/** Ids of socket failures after which the request may or may not have reached the server. */
export const SOCKET_TIMEOUT_ID = "socket_timeout";
export const SOCKET_OFFLINE_ID = "socket_offline";

/** True when a request's outcome is unknown (timeout, no connection), so a retry may repeat it. */
export function isUndelivered(error: unknown): boolean {
	return error instanceof ApiError && (error.id === SOCKET_TIMEOUT_ID || error.id === SOCKET_OFFLINE_ID);
}

/**
 * Opens the `/agent` namespace with the session's access token and keeps it authenticated:
 * the server checks the handshake token on every request, so the socket reconnects with each
 * rotated token, and a refused handshake or ended session is answered with a token refresh.
 * Only when the refresh fails too does the session store sign the agent out.
 */
export function connectAgentSocket(): { socket: AgentSocket; close: () => void } {
	let handshakeToken: string | null = null;
	const socket: AgentSocket = io("/agent", {
		path: "/socket.io",
		// A websocket from the start, as the widget does: long-polling first would need every request
		// of the session on the same node, i.e. sticky sessions behind a load balancer.
		transports: ["websocket", "polling"],
		// A function is called on every (re)connect, so each handshake carries the token the session
		// holds at that moment: the same as updating socket.auth before every reconnect.
		auth: (send) => {
			handshakeToken = session.accessToken();
			send({ token: handshakeToken ?? "" });
		},
	});

	let closed = false;
	/** Connects again unless the console closed the socket meanwhile (sign-out). */
	const reconnect = () => {
		if (!closed) socket.connect();
	};
	let failedHandshakes = 0;
	let reauthenticating: Promise<void> | null = null;
	/** Refreshes the access token, then connects again; gives up (signs out) if that keeps failing. */
	function reauthenticate(reason: string): Promise<void> {
		reauthenticating ??= (async () => {
			failedHandshakes += 1;
			if (failedHandshakes > MAX_AUTH_RETRIES) {
				session.expire(new ApiError(401, "session_invalid", reason));
			} else if (await session.refresh()) {
				reconnect();
			} else if (session.getState().status === "signedIn") {
				// The refresh failed for a network reason and the session lives on: try again later.
				setTimeout(reconnect, OFFLINE_RETRY_MS);
			}
		})().finally(() => {
			reauthenticating = null;
		});
		return reauthenticating;
	}

	socket.on("connect", () => {
		failedHandshakes = 0;
	});
	socket.on("connect_error", (error) => {
		// While `active`, socket.io retries a transport failure by itself. Otherwise the server's
		// middleware refused the handshake (session_invalid): refresh the token, then reconnect.
		if (socket.active || closed) return;
		// The server is up but its database or Redis is away: the session is fine, so neither refresh
		// it nor count the refusal towards signing out; just try again shortly.
		if (error.message === "unavailable") {
			setTimeout(reconnect, OFFLINE_RETRY_MS);
			return;
		}
		reauthenticate(error.message).catch(logFailure("renewing the console session"));
	});
	// The server says this when the handshake token expired as well as when the session really
	// ended; a refresh tells the two apart (it fails, and signs out, only in the second case).
	socket.on("session:ended", ({ reason }) => {
		reauthenticate(reason).catch(logFailure("renewing the console session"));
	});
	socket.on("disconnect", (reason) => {
		if (reason === "io server disconnect" && !closed && session.getState().status === "signedIn") {
			reauthenticate(reason).catch(logFailure("renewing the console session"));
		}
	});

	// Reconnect with each rotated token, before the one the server holds for this connection expires.
	const stopFollowingToken = session.subscribe(() => {
		const token = session.accessToken();
		if (token && handshakeToken && token !== handshakeToken && socket.connected) socket.disconnect().connect();
	});

	return {
		socket,
		close() {
			closed = true;
			stopFollowingToken();
			socket.disconnect();
		},
	};
}

type AckEvents = {
	[E in keyof AgentClientEvents]: Parameters<AgentClientEvents[E]> extends [unknown, (ack: Ack<infer _>) => void]
		? E
		: never;
}[keyof AgentClientEvents];

type PayloadOf<E extends keyof AgentClientEvents> = Parameters<AgentClientEvents[E]>[0];
type AckDataOf<E extends AckEvents> = Parameters<AgentClientEvents[E]>[1] extends (ack: Ack<infer T>) => void
	? T
	: never;

/** The generic emit socket.io's per-event typing cannot express for a union of events. */
interface UntypedAckEmitter {
	emit(event: string, payload: unknown, ack: (error: Error | null, response: Ack<unknown>) => void): void;
}

/**
 * Emits a request and resolves with its ack data. Rejects with an ApiError: the server's error id
 * for `ok: false`, or SOCKET_TIMEOUT_ID / SOCKET_OFFLINE_ID when the outcome is unknown.
 */
export function socketRequest<E extends AckEvents>(
	socket: AgentSocket,
	event: E,
	payload: PayloadOf<E>,
): Promise<AckDataOf<E>> {
	return new Promise((resolve, reject) => {
		// Never queue in socket.io's send buffer: a stale request replayed on reconnect would surprise.
		if (!socket.connected) {
			reject(new ApiError(0, SOCKET_OFFLINE_ID, "Not connected"));
			return;
		}
		const emitter = socket.timeout(ACK_TIMEOUT_MS) as unknown as UntypedAckEmitter;
		emitter.emit(event, payload, (error, response) => {
			if (error) reject(new ApiError(0, SOCKET_TIMEOUT_ID, error.message));
			else if (response.ok) resolve(response.data as AckDataOf<E>);
			else reject(new ApiError(0, response.error.id, response.error.message));
		});
	});
}
