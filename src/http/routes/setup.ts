import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { completeSetup, isSetupNeeded } from "../../domain/setup.ts";
import type { AppDeps } from "../../deps.ts";
import { agentView, password, text } from "../schemas.ts";

/** First run: the one-time link from the log creates the first admin. */
export const setupRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain, config }) => {
  app.get("/", { schema: { response: { 200: z.object({ needed: z.boolean() }) } } }, async () => ({ needed: await isSetupNeeded(domain) }));

  app.post("/", {
    config: { rateLimit: { max: config.authRateLimitPerMinute, timeWindow: "1 minute" } },
    schema: {
      body: z.object({
        token: text().min(10).max(200),
        username: text().trim().min(2).max(32),
        name: text().trim().min(1).max(100),
        password,
      }),
      response: { 201: z.object({ agent: agentView }) },
    },
  }, async (request, reply) => {
    const agent = await completeSetup(domain, { ...request.body, ip: request.ip });
    return reply.code(201).send({ agent });
  });
};
