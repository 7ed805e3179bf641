import type { Logger } from "pino";

/** How long a participant's sockets may all be gone before their call ends (`CALL_REJOIN_WINDOW_S`'s default). */
export const DEPARTURE_GRACE_MS = 20_000;

/**
 * Notices participants who leave for good. When a socket closes, it waits out the grace period;
 * if by then no socket of that participant is connected on any node, `onGone` runs (their call
 * ends). A reconnect inside the grace period keeps the call.
 */
export class Departures {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly log: Logger,
    private readonly graceMs = DEPARTURE_GRACE_MS,
  ) {}

  watch(stillHere: () => Promise<boolean>, onGone: () => Promise<unknown>): void {
    // A node that is shutting down drops its sockets on purpose: they reconnect elsewhere.
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      (async () => {
        if (!(await stillHere())) await onGone();
      })().catch((err: unknown) => this.log.error({ err }, "ending the call of a departed participant failed"));
    }, this.graceMs);
    timer.unref();
    this.timers.add(timer);
  }

  /** Forgets every pending departure and watches no new one. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
