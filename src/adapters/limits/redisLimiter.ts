import type { Redis } from "ioredis";
import type { RateLimiter } from "../../domain/ports.ts";

/** Fixed-window counters in Redis, shared by every node; INCRBY makes each count atomic. */
export function createRedisLimiter(redis: Redis, prefix = "destek:limit:"): RateLimiter {
  return {
    async consume(key, limit, windowMs, amount = 1) {
      const k = prefix + key;
      const results = await redis.multi().incrby(k, amount).pexpire(k, windowMs, "NX").pttl(k).exec();
      if (!results) throw new Error("rate limiter transaction aborted");
      for (const [error] of results) if (error) throw error;
      const count = Number(results[0]?.[1]);
      const ttl = Number(results[2]?.[1]);
      return { allowed: count <= limit, retryAfterMs: ttl > 0 ? ttl : windowMs };
    },
  };
}
