import { createStore } from "../state/store";
import type { VisitorSocket } from "./visitorSocket";

/** Who on the support side is typing right now; null when nobody is. */
export const agentTyping = createStore<{ name: string | null } | null>(null);

/** An agent's "typing" expires unless it is repeated, so a lost "stopped" never sticks. */
const AGENT_TYPING_TTL_MS = 6_000;
/** The visitor's "typing" is repeated at most this often while they keep typing. */
const VISITOR_TYPING_EVERY_MS = 2_000;

let socket: VisitorSocket | null = null;
let agentTypingTimer: ReturnType<typeof setTimeout> | undefined;
let visitorTypingSentAt = 0;

function clearAgentTyping(): void {
	clearTimeout(agentTypingTimer);
	agentTyping.set(null);
}

/** Follows the agents' typing events and lets the visitor's typing be reported on this socket. */
export function attachTypingSignals(visitorSocket: VisitorSocket): void {
	socket = visitorSocket;
	socket.on("typing", ({ typing, name }) => {
		clearTimeout(agentTypingTimer);
		if (!typing) return agentTyping.set(null);
		agentTyping.set({ name: typeof name === "string" && name ? name : null });
		agentTypingTimer = setTimeout(clearAgentTyping, AGENT_TYPING_TTL_MS);
	});
	socket.on("message:new", (message) => {
		if (message.author.type !== "visitor") clearAgentTyping();
	});
	socket.on("disconnect", () => {
		clearAgentTyping();
		visitorTypingSentAt = 0;
	});
}

/** Call on every keystroke; tells the agents at most every two seconds. */
export function noteVisitorTyping(): void {
	const now = Date.now();
	if (!socket?.connected || now - visitorTypingSentAt < VISITOR_TYPING_EVERY_MS) return;
	visitorTypingSentAt = now;
	socket.emit("typing", { typing: true });
}

/** Call on send and blur; only says "stopped" if "typing" was said. */
export function stopVisitorTyping(): void {
	if (visitorTypingSentAt === 0) return;
	visitorTypingSentAt = 0;
	if (socket?.connected) socket.emit("typing", { typing: false });
}
