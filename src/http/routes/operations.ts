import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { probeDatabaseWrites } from "../../adapters/db/database.ts";
import { pingRedis } from "../../adapters/redis.ts";
import { constantTimeEqual } from "../../domain/auth/secrets.ts";
import type { AppDeps } from "../../deps.ts";
import { bearerToken } from "../authenticate.ts";
import { sendError } from "../errors.ts";

const CHECK_TIMEOUT_MS = 3000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref()),
  ]);
}

/** Liveness, readiness and Prometheus metrics, for load balancers and monitoring. */
export const operationsRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const unlimited = { rateLimit: false } as const;

  // Liveness: the process answers. No I/O, so a slow database never gets a healthy node killed.
  // Telegram's state rides along for monitoring (from the calls the bot makes anyway); it never
  // makes this node unhealthy or unready: a Telegram outage must not drain a load balancer.
  const healthBody = z.object({ status: z.literal("ok"), telegram: z.enum(["ok", "unavailable", "unknown", "off"]) });
  app.get("/health", { config: unlimited, schema: { response: { 200: healthBody } } }, async () => ({
    status: "ok" as const,
    telegram: deps.telegram?.health() ?? ("off" as const),
  }));

  app.get("/ready", { config: unlimited }, async (_request, reply) => {
    const checks: Record<string, () => Promise<unknown>> = { database: () => probeDatabaseWrites(deps.database) };
    if (deps.redis) {
      const redis = deps.redis;
      checks.redis = () => pingRedis(redis);
    }
    // The bucket is reported, never failed on: every node shares it, so draining them all for it
    // would turn a files outage into a chat outage too.
    const bucket = deps.bucket;
    const reported = bucket ? { storage: () => bucket.check() } : {};
    const results = await Promise.all(
      Object.entries({ ...checks, ...reported }).map(async ([name, check]) => {
        try {
          await withTimeout(check(), CHECK_TIMEOUT_MS);
          return [name, "ok"] as const;
        } catch (error) {
          return [name, error instanceof Error ? error.message : "failed"] as const;
        }
      }),
    );
    const failing = results.filter(([name, status]) => status !== "ok" && name in checks).map(([name]) => name);
    const body = { status: failing.length ? "unavailable" : "ready", checks: Object.fromEntries(results) };
    if (!failing.length) return body;
    return reply.code(503).send({ ...body, error: { id: "not_ready", message: `Not ready: ${failing.join(", ")} failing.` } });
  });

  app.get("/metrics", { config: unlimited }, async (request, reply) => {
    const token = deps.config.metricsToken;
    if (!token) return sendError(reply, 404, "metrics_disabled", "Metrics are off. Set METRICS_TOKEN and scrape with it as a bearer token.");
    if (!constantTimeEqual(bearerToken(request) ?? "", token)) {
      return sendError(reply, 401, "unauthenticated", "Metrics need the METRICS_TOKEN bearer token.");
    }
    return reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
};
