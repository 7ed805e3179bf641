/** Runs each sender's tasks one after another, and different senders' side by side. */
export class PerSenderQueue {
  private tails = new Map<string, Promise<void>>();

  /** Whether `key` has a task running or waiting. */
  busy(key: string): boolean {
    return this.tails.has(key);
  }

  /** Queues `task` after `key`'s earlier ones; the returned promise settles when it has run. */
  run(key: string, task: () => Promise<void>): Promise<void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task);
    // The tail never rejects: the caller handles the task's own failure through `next`.
    const tail: Promise<void> = next
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        if (this.tails.get(key) === tail) this.tails.delete(key);
      });
    this.tails.set(key, tail);
    return next;
  }

  /** Waits for every queued task (on shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.tails.values()]);
  }
}
