import type { Logger } from "pino";

/** Every console, on every node: presence and "is anyone online" (conversations and calls go to inbox rooms). */
export const AGENTS_ROOM = "agents";
/** Admins' consoles: they see every inbox. */
export const ADMINS_ROOM = "admins";
/** The consoles of one inbox's member agents. */
export const inboxRoom = (inboxId: string) => `inbox:${inboxId}`;
/** Who hears about one inbox's conversations and calls: its members and every admin (one emit, each socket once). */
export const inboxAudience = (inboxId: string) => [inboxRoom(inboxId), ADMINS_ROOM];
/** The rooms of a console besides its own: every admin's, or the agent's inboxes. */
export const consoleInboxRooms = (role: "admin" | "agent", inboxIds: readonly string[]) => (role === "admin" ? [ADMINS_ROOM] : inboxIds.map(inboxRoom));
/** One agent's consoles (all their tabs and devices). */
export const agentRoom = (agentId: string) => `agent:${agentId}`;
/** One signed-in session's consoles, to end them when the session ends. */
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
/** One visitor's widgets (all their tabs). */
export const visitorRoom = (visitorId: string) => `visitor:${visitorId}`;

/**
 * Puts a socket in its rooms. With a cluster adapter joining may be asynchronous; nobody waits for
 * it here, so a failure is logged rather than left unhandled.
 */
export function joinRooms(socket: { join(rooms: string | string[]): Promise<void> | void }, rooms: string | string[], log: Logger): void {
  Promise.resolve(socket.join(rooms)).catch((err: unknown) => log.warn({ err, rooms }, "joining socket rooms failed"));
}
