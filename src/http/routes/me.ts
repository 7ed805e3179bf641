import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { presentAgent } from "../../domain/agents.ts";
import { removeSecondFactor } from "../../domain/auth/secondFactors.ts";
import { createTelegramLink } from "../../domain/auth/telegramLink.ts";
import { confirmTotpEnrollment, startTotpEnrollment } from "../../domain/auth/totp.ts";
import type { AppDeps } from "../../deps.ts";
import { currentAgent, requireAgent } from "../authenticate.ts";
import { agentView, code, emptyBody, telegramLink, totpEnrollment } from "../schemas.ts";

/** The signed-in agent's own account: profile and second factors. */
export const meRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  app.addHook("preHandler", requireAgent(domain));

  app.get("/", { schema: { response: { 200: z.object({ agent: agentView }) } } }, async (request) => ({
    agent: presentAgent(currentAgent(request).row),
  }));

  app.post("/telegram-link", { schema: { body: emptyBody, response: { 200: telegramLink } } }, (request) =>
    createTelegramLink(domain, currentAgent(request).row),
  );

  app.delete("/telegram", async (request, reply) => {
    const { actor, row } = currentAgent(request);
    await removeSecondFactor(domain, actor, row, "telegram");
    return reply.code(204).send();
  });

  app.post("/totp", { schema: { body: emptyBody, response: { 200: totpEnrollment } } }, (request) =>
    startTotpEnrollment(domain, currentAgent(request).row),
  );

  app.post("/totp/confirm", { schema: { body: z.object({ code }) } }, async (request, reply) => {
    const { actor, row } = currentAgent(request);
    await confirmTotpEnrollment(domain, actor, row, request.body.code);
    return reply.code(204).send();
  });

  app.delete("/totp", async (request, reply) => {
    const { actor, row } = currentAgent(request);
    await removeSecondFactor(domain, actor, row, "totp");
    return reply.code(204).send();
  });
};
