import type { Logger } from "pino";

/** At most one typing change per second leaves a socket: a flood of `typing` events costs nothing downstream. */
export const TYPING_FORWARD_EVERY_MS = 1000;
/**
 * The console forgets "typing" after 8 s unless it is repeated, and the widget repeats it every 2 s
 * while the visitor types: a repeated "typing" goes through this often, other repeats are dropped.
 */
export const TYPING_REPEAT_EVERY_MS = 3000;

/**
 * Coalesces one socket's typing signals: changes are forwarded at most once per interval (the latest
 * state wins) and repeats of the state last forwarded are dropped, but for the keep-alive above.
 * `forward` may fail (a database error finding the conversation): that is logged, never left as an
 * unhandled rejection.
 */
export class TypingRelay {
  private forwarded: boolean | null = null;
  private forwardedAt = Number.NEGATIVE_INFINITY;
  private wanted: boolean | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly forward: (typing: boolean) => Promise<void>,
    private readonly log: Logger,
    private readonly everyMs = TYPING_FORWARD_EVERY_MS,
    private readonly now: () => number = Date.now,
  ) {}

  signal(typing: boolean): void {
    this.wanted = typing;
    if (this.timer) return;
    const wait = this.forwardedAt + this.everyMs - this.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private flush(): void {
    this.timer = undefined;
    const typing = this.wanted;
    if (typing === null) return;
    const keepAlive = typing && this.now() - this.forwardedAt >= TYPING_REPEAT_EVERY_MS;
    if (typing === this.forwarded && !keepAlive) return;
    this.forwarded = typing;
    this.forwardedAt = this.now();
    this.forward(typing).catch((err: unknown) => this.log.warn({ err, typing }, "relaying a visitor's typing signal failed"));
  }
}
