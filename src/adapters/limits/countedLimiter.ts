import type { Counter } from "prom-client";
import type { RateLimiter } from "../../domain/ports.ts";

/** The limit a key belongs to, without the client part: `address:newVisitors:1.2.3.4` -> `address:newVisitors`. */
export function limitNameOf(key: string): string {
  const parts = key.split(":");
  return parts[0] === "address" ? parts.slice(0, 2).join(":") : (parts[0] ?? key);
}

/** Counts every refusal per limit, so an operator sees a flood (and which limit holds it) on /metrics. */
export function withRefusalMetric(limiter: RateLimiter, refusals: Counter<"limit">): RateLimiter {
  return {
    async consume(key, limit, windowMs, amount) {
      const result = await limiter.consume(key, limit, windowMs, amount);
      // "notice:" keys only remember that something was said; they refuse nothing.
      if (!result.allowed && !key.startsWith("notice:")) refusals.inc({ limit: limitNameOf(key) });
      return result;
    },
  };
}
