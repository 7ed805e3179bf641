import type { Logger } from "pino";

/**
 * Puts a socket in its rooms. With a cluster adapter joining may be asynchronous; nobody waits for
 * it here, so a failure is logged rather than left unhandled.
 */
export function joinRooms(socket: { join(rooms: string | string[]): Promise<void> | void }, rooms: string | string[], log: Logger): void {
  Promise.resolve(socket.join(rooms)).catch((err: unknown) => log.warn({ err, rooms }, "joining socket rooms failed"));
}
