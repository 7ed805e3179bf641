import { createHmac } from "node:crypto";
import { Redis } from "ioredis";
import type { Keys } from "../secrets.ts";

/**
 * A short name of one deployment, the same on each of its nodes (they share SECRET_KEY) and
 * different for another deployment on the same Redis: it scopes Redis keys and channels.
 */
export function deploymentTag(keys: Keys): string {
  return createHmac("sha256", keys.tokenHash).update("redis-deployment-tag").digest("hex").slice(0, 16);
}

/** One Redis connection for commands (rate limits, locks). Fails fast instead of queueing forever. */
export function connectRedis(url: string): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 2,
    connectTimeout: 5000,
    lazyConnect: false,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
}

export async function pingRedis(redis: Redis): Promise<void> {
  const reply = await redis.ping();
  if (reply !== "PONG") throw new Error(`unexpected PING reply ${reply}`);
}

/** Closes a connection: politely when it is up, at once when Redis is away (QUIT would wait for it). */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status !== "ready") {
    redis.disconnect();
    return;
  }
  await redis.quit().catch(() => redis.disconnect());
}
