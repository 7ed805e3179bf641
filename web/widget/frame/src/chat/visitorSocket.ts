import { io, type Socket } from "socket.io-client";
import type {
	Ack,
	VisitorCallClientEvents,
	VisitorCallServerEvents,
	VisitorClientEvents,
	VisitorTimelineClientEvents,
	VisitorServerEvents,
} from "../protocol";

export type VisitorSocket = Socket<
	VisitorServerEvents & VisitorCallServerEvents,
	VisitorClientEvents & VisitorCallClientEvents & VisitorTimelineClientEvents
>;

/** How long to wait for the server to acknowledge an emit before treating it as lost. */
export const ACK_TIMEOUT_MS = 10_000;

/** Error id for an emit that got no answer (timeout or disconnect); the outbox resends it later. */
export const NO_ANSWER_ID = "no_answer";

/** Connects to the visitor namespace on the frame's own origin (the destek server). */
export function connectVisitorSocket(auth: () => Record<string, unknown>): VisitorSocket {
	return io("/visitor", {
		path: "/socket.io",
		// Read on every (re)connect: the token and identity may change (see visitorIdentity).
		auth: (send) => send(auth()),
		transports: ["websocket", "polling"],
	});
}

const NO_ANSWER = { ok: false, error: { id: NO_ANSWER_ID, message: "" } } as const;

/** The callback of a `socket.timeout(...).emit`: a timeout or disconnect becomes a NO_ANSWER_ID failure. */
export function settleAck<D>(resolve: (answer: Ack<D>) => void): (error: Error | null, answer: Ack<D>) => void {
	return (error, answer) => resolve(error ? NO_ANSWER : answer);
}
