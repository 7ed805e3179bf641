import { afterEach, describe, expect, it, vi } from "vitest";
import { WorkerPause } from "../../src/adapters/backgroundJob.ts";

// The pause the outbox workers (Telegram, e-mail, push, webhooks) take between rounds.
describe("WorkerPause", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const settled = async (promise: Promise<void>) => {
    let done = false;
    promise.then(() => {
      done = true;
    }, () => undefined);
    await vi.advanceTimersByTimeAsync(0);
    return done;
  };

  it("lasts its time when nothing wakes it", async () => {
    vi.useFakeTimers();
    const pause = new WorkerPause();
    const waiting = pause.wait(1000);
    expect(await settled(waiting)).toBe(false);
    await vi.advanceTimersByTimeAsync(999);
    expect(await settled(waiting)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await settled(waiting)).toBe(true);
  });

  it("ends at once on wake", async () => {
    vi.useFakeTimers();
    const pause = new WorkerPause();
    const waiting = pause.wait(60_000);
    pause.wake();
    expect(await settled(waiting)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("keeps a wake that came during a round, so the next pause is skipped, once", async () => {
    vi.useFakeTimers();
    const pause = new WorkerPause();
    pause.wake();
    pause.wake();
    expect(await settled(pause.wait(60_000))).toBe(true);
    expect(await settled(pause.wait(60_000))).toBe(false);
  });

  it("with a settle time, ends that long after the first wake, so a burst of wakes makes one round", async () => {
    vi.useFakeTimers();
    const pause = new WorkerPause({ settleMs: 50 });
    const waiting = pause.wait(60_000);
    pause.wake();
    await vi.advanceTimersByTimeAsync(30);
    pause.wake();
    pause.wake();
    expect(await settled(waiting)).toBe(false);
    await vi.advanceTimersByTimeAsync(20);
    expect(await settled(waiting)).toBe(true);
    // The wakes of the burst were spent on that one round: the next pause lasts its time.
    const next = pause.wait(1000);
    await vi.advanceTimersByTimeAsync(999);
    expect(await settled(next)).toBe(false);
  });

  it("with a settle time, a wake during a round still shortens the next pause to the settle time", async () => {
    vi.useFakeTimers();
    const pause = new WorkerPause({ settleMs: 50 });
    pause.wake();
    const waiting = pause.wait(60_000);
    await vi.advanceTimersByTimeAsync(49);
    expect(await settled(waiting)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await settled(waiting)).toBe(true);
  });
});
