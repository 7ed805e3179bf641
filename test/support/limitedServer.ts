import { randomInt, randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { io as connect, type Socket } from "socket.io-client";
import { openSqlite } from "./databases.ts";
import { FakeTelegram } from "./fakeTelegram.ts";
import { testRedisUrl } from "./redis.ts";
import { startTestApp, type TestApp } from "./testApp.ts";

/** The shared limiters the per-address limits are tested on: memory always, Redis when configured. */
export function limiterKinds(): Array<"memory" | "redis"> {
  return testRedisUrl() ? ["memory", "redis"] : ["memory"];
}

export interface LimitedServer extends TestApp {
  url: string;
  telegram: FakeTelegram;
}

/** An app on SQLite, listening, with the per-address limiter in memory or in the shared Redis. */
/** The bearer token these servers serve /metrics with (the refusal counters are read there). */
export const METRICS_TOKEN = "limited-server-metrics-token";

export async function startLimitedServer(limiter: "memory" | "redis", env: Record<string, string> = {}): Promise<LimitedServer> {
  const telegram = await new FakeTelegram().start();
  const database = await openSqlite();
  const redisEnv: Record<string, string> = limiter === "redis" ? { REDIS_URL: testRedisUrl()! } : {};
  const t = await startTestApp({ database, telegram, env: { SECRET_KEY: randomUUID() + randomUUID(), METRICS_TOKEN, ...redisEnv, ...env } });
  await t.app.listen({ port: 0, host: "127.0.0.1" });
  return {
    ...t,
    telegram,
    url: `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`,
    async close() {
      await t.close();
      await telegram.stop();
      await database.dispose();
    },
  };
}

/**
 * A loopback address of its own (127.x.y.z) for a test to connect from: limits are counted per
 * address in a Redis shared by parallel test files, so each test needs an address no other uses.
 */
export function uniqueLoopback(): string {
  return `127.${randomInt(1, 255)}.${randomInt(1, 255)}.${randomInt(1, 255)}`;
}

/** A made-up public-looking address (benchmarking range 198.18.0.0/15), unique enough per test. */
export function uniqueRemote(): string {
  return `198.${randomInt(18, 20)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

export interface Refusal {
  message: string;
  data?: { id: string; retryAfterMs?: number };
}

/** Connects a widget socket from `from`, with optional extra headers; resolves with the socket or the refusal. */
export function tryVisitorSocket(
  url: string,
  auth: Record<string, unknown>,
  options: { from?: string; headers?: Record<string, string> } = {},
): Promise<{ socket: Socket } | { refused: Refusal }> {
  const socket = connect(`${url}/visitor`, {
    auth,
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    ...(options.from ? { localAddress: options.from } : {}),
    ...(options.headers ? { extraHeaders: options.headers } : {}),
  });
  return new Promise((resolve) => {
    socket.once("connect", () => resolve({ socket }));
    socket.once("connect_error", (error: Error & { data?: Refusal["data"] }) => {
      socket.close();
      resolve({ refused: { message: error.message, ...(error.data ? { data: error.data } : {}) } });
    });
  });
}
