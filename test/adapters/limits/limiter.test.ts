import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createMemoryLimiter } from "../../../src/adapters/limits/memoryLimiter.ts";
import { createRedisLimiter } from "../../../src/adapters/limits/redisLimiter.ts";
import { connectRedis } from "../../../src/adapters/redis.ts";
import type { RateLimiter } from "../../../src/domain/ports.ts";
import { testRedisUrl } from "../../support/redis.ts";
import { ManualClock } from "../../support/testApp.ts";

const redisUrl = testRedisUrl();
const connections: Redis[] = [];
afterAll(async () => {
  for (const redis of connections) await redis.quit();
});

interface Case {
  name: string;
  make(): { limiter: RateLimiter; wait(ms: number): Promise<void> };
}

const cases: Case[] = [
  {
    name: "memory",
    make() {
      const clock = new ManualClock();
      return { limiter: createMemoryLimiter(clock), wait: async (ms) => clock.advance(ms) };
    },
  },
];
if (redisUrl) {
  cases.push({
    name: "redis",
    make() {
      const redis = connectRedis(redisUrl);
      connections.push(redis);
      return { limiter: createRedisLimiter(redis, `destek-test:${randomUUID()}:`), wait: (ms) => new Promise((r) => setTimeout(r, ms)) };
    },
  });
}

// The same contract for both implementations: the domain cannot tell them apart.
describe.each(cases)("$name rate limiter", ({ make }) => {
  it("allows up to the limit in a window, then refuses with a retry time", async () => {
    const { limiter } = make();
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await limiter.consume("k", 3, 60_000));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results[3]!.retryAfterMs).toBeGreaterThan(50_000);
    expect(results[3]!.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it("counts keys separately", async () => {
    const { limiter } = make();
    expect((await limiter.consume("a", 1, 60_000)).allowed).toBe(true);
    expect((await limiter.consume("b", 1, 60_000)).allowed).toBe(true);
    expect((await limiter.consume("a", 1, 60_000)).allowed).toBe(false);
  });

  it("opens a new window once the old one is over", async () => {
    const { limiter, wait } = make();
    expect((await limiter.consume("w", 1, 200)).allowed).toBe(true);
    expect((await limiter.consume("w", 1, 200)).allowed).toBe(false);
    await wait(300);
    expect((await limiter.consume("w", 1, 200)).allowed).toBe(true);
  });

  it("counts concurrent hits exactly", async () => {
    const { limiter } = make();
    const results = await Promise.all(Array.from({ length: 20 }, () => limiter.consume("c", 5, 60_000)));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
  });

  it("counts an amount (upload bytes) against the limit", async () => {
    const { limiter } = make();
    expect((await limiter.consume("bytes", 1000, 60_000, 600)).allowed).toBe(true);
    expect((await limiter.consume("bytes", 1000, 60_000, 400)).allowed).toBe(true);
    expect((await limiter.consume("bytes", 1000, 60_000, 1)).allowed).toBe(false);
  });
});
