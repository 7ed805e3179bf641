import type { RateLimiter } from "../../domain/ports.ts";
import { isRedisOutage, type OutageLog } from "../outages.ts";

/**
 * The shared (Redis) limiter, with this node's own counters standing in while Redis is away.
 * Limits keep holding, per node instead of across nodes, rather than failing every request
 * (closed) or dropping every limit (open). Other errors still surface.
 *
 * Once Redis is known to be away, no request waits on it (each try can take seconds of reconnect
 * attempts, and one request may pass several limits): they count locally at once, while one call
 * every `probeEveryMs` also goes to Redis in the background to notice its return.
 */
export function withLocalFallback(shared: RateLimiter, local: RateLimiter, outages: OutageLog, probeEveryMs = 2000): RateLimiter {
  let nextProbeAt = 0;
  const probe = (args: Parameters<RateLimiter["consume"]>) => {
    nextProbeAt = Date.now() + probeEveryMs;
    shared.consume(...args).then(
      () => outages.restored("redis"),
      (error: unknown) => {
        nextProbeAt = Date.now() + probeEveryMs;
        if (isRedisOutage(error)) outages.lost("redis", error);
      },
    );
  };
  return {
    async consume(...args: Parameters<RateLimiter["consume"]>) {
      if (outages.isDown("redis")) {
        if (Date.now() >= nextProbeAt) probe(args);
        return local.consume(...args);
      }
      try {
        const result = await shared.consume(...args);
        outages.restored("redis");
        return result;
      } catch (error) {
        if (!isRedisOutage(error)) throw error;
        outages.lost("redis", error);
        nextProbeAt = Date.now() + probeEveryMs;
        return local.consume(...args);
      }
    },
  };
}
