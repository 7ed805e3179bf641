import type { Logger } from "pino";
import type { Socket } from "socket.io";
import { consumeAddressLimit } from "../domain/chat/addressLimits.ts";
import { DomainError } from "../domain/errors.ts";
import type { DomainDeps, Origin } from "../domain/ports.ts";

/**
 * Counts each `call:start` against the caller's address before the call logic sees it, so made-up
 * visitors cannot place more calls than one address may. A refused start is answered on its ack
 * with `too_many_calls` and a retry time, and goes no further.
 */
export function guardCallStarts(socket: Socket, domain: DomainDeps, origin: Origin, log: Logger): void {
  socket.use(([event, ...args], next) => {
    if (event !== "call:start") return next();
    consumeAddressLimit(domain, "calls", origin).then(
      () => next(),
      (error: unknown) => {
        const ack = args.at(-1);
        let refusal: { id: string; message: string; retryAfterMs?: number };
        if (error instanceof DomainError) {
          refusal = { id: error.id, message: error.message, ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}) };
        } else {
          log.error({ err: error }, "checking the call limit of an address failed");
          refusal = { id: "internal", message: "Something went wrong on our side." };
        }
        if (typeof ack === "function") ack({ ok: false, error: refusal });
      },
    );
  });
}
