/** A piece of work that runs on its own timer (or listener) until stopped; `main` starts them all (src/jobs.ts). */
export interface BackgroundJob {
  stop(): Promise<void> | void;
}

/**
 * A worker's pause between rounds, which `wake()` ends at once: a row queued now is sent now, not
 * after the pause. A wake while the worker is busy with a round is kept, so the next pause is
 * skipped: work queued during a round does not wait a whole pause either.
 *
 * With `settleMs`, a wake ends the pause that long after it instead of at once, and the wakes that
 * come meanwhile join it: a worker woken by every chat message (push, which usually finds nothing
 * to send) then looks once per burst instead of once per message.
 */
export class WorkerPause {
  private endNow: (() => void) | undefined;
  private woken = false;
  private settling = false;
  private readonly settleMs: number;

  constructor(options: { settleMs?: number } = {}) {
    this.settleMs = options.settleMs ?? 0;
  }

  wait(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      if (!this.settleMs) return Promise.resolve();
      ms = this.settleMs;
    }
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const end = () => {
        clearTimeout(timer);
        // A settle timer may fire after this pause ended by itself: it must not touch the next one.
        if (this.endNow === end) {
          this.endNow = undefined;
          this.settling = false;
        }
        resolve();
      };
      timer = setTimeout(end, ms);
      this.endNow = end;
    });
  }

  wake(): void {
    if (!this.endNow) {
      this.woken = true;
      return;
    }
    if (!this.settleMs) {
      this.endNow();
      return;
    }
    if (this.settling) return;
    this.settling = true;
    setTimeout(this.endNow, this.settleMs);
  }
}

/**
 * A job that runs `task` every `everyMs` on this node. A run still going when the next is due is
 * not doubled: that tick is skipped. A failure goes to `onError` and the next tick tries again;
 * `stop()` waits for a run in progress.
 */
export function repeatEvery(everyMs: number, task: () => Promise<unknown>, onError: (err: unknown) => void): BackgroundJob {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = task()
      .then(() => undefined, onError)
      .finally(() => {
        running = null;
      });
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
