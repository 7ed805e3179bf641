import type { RateLimiter } from "../../domain/ports.ts";
import { isRedisOutage, type OutageLog } from "../outages.ts";

/**
 * The shared (Redis) limiter, with this node's own counters standing in while Redis is away.
 * Limits keep holding, per node instead of across nodes, rather than failing every request
 * (closed) or dropping every limit (open). Other errors still surface.
 */
export function withLocalFallback(shared: RateLimiter, local: RateLimiter, outages: OutageLog): RateLimiter {
  return {
    async consume(...args: Parameters<RateLimiter["consume"]>) {
      try {
        const result = await shared.consume(...args);
        outages.restored("redis");
        return result;
      } catch (error) {
        if (!isRedisOutage(error)) throw error;
        outages.lost("redis", error);
        return local.consume(...args);
      }
    },
  };
}
