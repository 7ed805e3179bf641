import pino from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TYPING_FORWARD_EVERY_MS, TYPING_REPEAT_EVERY_MS, TypingRelay } from "../../src/realtime/typingRelay.ts";

describe("TypingRelay", () => {
  let forwarded: boolean[];
  let relay: TypingRelay;
  beforeEach(() => {
    vi.useFakeTimers();
    forwarded = [];
    relay = new TypingRelay(async (typing) => void forwarded.push(typing), pino({ level: "silent" }), TYPING_FORWARD_EVERY_MS, () => Date.now());
  });
  afterEach(() => {
    relay.stop();
    vi.useRealTimers();
  });

  it("forwards the first change at once and at most one change per second after it, the latest winning", async () => {
    relay.signal(true);
    expect(forwarded).toEqual([true]);
    for (let i = 0; i < 1000; i++) relay.signal(i % 2 === 0);
    relay.signal(false);
    expect(forwarded).toEqual([true]);
    await vi.advanceTimersByTimeAsync(TYPING_FORWARD_EVERY_MS);
    expect(forwarded).toEqual([true, false]);
  });

  it("drops repeats, but lets a still-typing repeat through every few seconds so the console keeps showing it", async () => {
    relay.signal(true);
    await vi.advanceTimersByTimeAsync(2000);
    relay.signal(true);
    expect(forwarded).toEqual([true]);
    await vi.advanceTimersByTimeAsync(TYPING_REPEAT_EVERY_MS);
    relay.signal(true);
    expect(forwarded).toEqual([true, true]);
    relay.signal(false);
    await vi.advanceTimersByTimeAsync(TYPING_FORWARD_EVERY_MS);
    relay.signal(false);
    await vi.advanceTimersByTimeAsync(10 * TYPING_REPEAT_EVERY_MS);
    relay.signal(false);
    expect(forwarded).toEqual([true, true, false]);
  });

  it("logs a failed forward instead of rejecting", async () => {
    const warnings: unknown[] = [];
    const log = pino({ level: "warn" }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
    const failing = new TypingRelay(() => Promise.reject(new Error("database is down")), log);
    failing.signal(true);
    await vi.waitFor(() => expect(warnings).toHaveLength(1));
    expect(warnings[0]).toMatchObject({ msg: "relaying a visitor's typing signal failed", typing: true, err: { message: "database is down" } });
    failing.stop();
  });
});
