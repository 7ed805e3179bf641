import type { Logger } from "pino";
import type { z } from "zod";
import { outageBehind } from "../adapters/outages.ts";
import { DomainError } from "../domain/errors.ts";
import type { Ack } from "../protocol/chat.ts";

type AckFn<T> = (ack: Ack<T>) => void;

/**
 * Wraps a socket event handler: validates the payload with its schema, runs it, and answers the
 * client's ack with `{ ok, data }` or `{ ok: false, error: { id, message } }`, never a stack trace.
 * A client that sent no ack callback still gets its event handled; one that sent extra arguments
 * still gets its answer (Socket.IO passes the callback last).
 */
export function handle<S extends z.ZodType, T>(log: Logger, schema: S, run: (input: z.output<S>) => Promise<T>) {
  return async (payload: unknown, ...rest: unknown[]) => {
    const ack = rest.at(-1);
    const reply: AckFn<T> = typeof ack === "function" ? (ack as AckFn<T>) : () => undefined;
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.join(".") || "payload";
      reply({ ok: false, error: { id: "invalid_request", message: `Invalid ${where}: ${issue?.message ?? "malformed"}` } });
      return;
    }
    try {
      reply({ ok: true, data: await run(parsed.data) });
    } catch (caught) {
      const error = outageBehind(caught) ?? caught;
      if (error instanceof DomainError) {
        const retry = error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {};
        const details = error.details ? { details: error.details } : {};
        reply({ ok: false, error: { id: error.id, message: error.message, ...retry, ...details } });
      } else {
        log.error({ err: error }, "socket handler failed");
        reply({ ok: false, error: { id: "internal", message: "Something went wrong on our side." } });
      }
    }
  };
}
