/** A piece of work that runs on its own timer (or listener) until stopped; `main` starts them all (src/jobs.ts). */
export interface BackgroundJob {
  stop(): Promise<void> | void;
}

/**
 * A worker's pause between rounds, which `wake()` ends at once: a row queued now is sent now, not
 * after the pause. A wake while the worker is busy with a round is kept, so the next pause is
 * skipped: work queued during a round does not wait a whole pause either.
 */
export class WorkerPause {
  private endNow: (() => void) | undefined;
  private woken = false;

  wait(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const end = () => {
        clearTimeout(timer);
        this.endNow = undefined;
        resolve();
      };
      timer = setTimeout(end, ms);
      this.endNow = end;
    });
  }

  wake(): void {
    if (this.endNow) this.endNow();
    else this.woken = true;
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
