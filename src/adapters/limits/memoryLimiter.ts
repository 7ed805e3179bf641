import type { Clock, RateLimiter } from "../../domain/ports.ts";

/** Fixed-window counters in this process: right for a single node. */
export function createMemoryLimiter(clock: Clock): RateLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  let lastSweep = 0;
  return {
    async consume(key, limit, windowMs, amount = 1) {
      const now = clock.now();
      if (now - lastSweep > 60_000) {
        for (const [k, w] of windows) if (w.resetAt <= now) windows.delete(k);
        lastSweep = now;
      }
      let window = windows.get(key);
      if (!window || window.resetAt <= now) {
        window = { count: 0, resetAt: now + windowMs };
        windows.set(key, window);
      }
      window.count += amount;
      return { allowed: window.count <= limit, retryAfterMs: Math.max(0, window.resetAt - now) };
    },
  };
}
