import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { featuresOf, presentAgent } from "../../domain/agents.ts";
import { serverFeatures } from "../../protocol/features.ts";
import { confirmCurrentPassword, removeSecondFactor } from "../../domain/auth/secondFactors.ts";
import { createTelegramLink } from "../../domain/auth/telegramLink.ts";
import { confirmTotpEnrollment, startTotpEnrollment } from "../../domain/auth/totp.ts";
import type { AppDeps } from "../../deps.ts";
import { recoveryCodesLeft, regenerateRecoveryCodes } from "../../domain/auth/recoveryCodes.ts";
import { recoveryCodesView } from "../../protocol/team.ts";
import { currentAgent, requireAgent } from "../authenticate.ts";
import { agentView, code, password, telegramLink, totpEnrollment } from "../schemas.ts";

/** The signed-in agent's own account: profile and second factors. */
export const meRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain, config }) => {
  app.addHook("preHandler", requireAgent(domain));
  // Adding, replacing or removing a second factor asks for the password again; like sign-in, a
  // password check is a brute-force target, so it gets the tight per-address limit.
  const reauth = { config: { rateLimit: { max: config.authRateLimitPerMinute, timeWindow: "1 minute" } } };
  const withPassword = z.object({ password });
  const confirmPassword = (request: FastifyRequest, body: { password: string }) => {
    const { actor, row } = currentAgent(request);
    return confirmCurrentPassword(domain, actor, row, body.password);
  };

  app.get("/", { schema: { response: { 200: z.object({ agent: agentView, features: serverFeatures }) } } }, async (request) => ({
    agent: presentAgent(currentAgent(request).row),
    features: featuresOf(domain),
  }));

  app.post("/telegram-link", { ...reauth, schema: { body: withPassword, response: { 200: telegramLink } } }, async (request) => {
    await confirmPassword(request, request.body);
    return createTelegramLink(domain, currentAgent(request).row);
  });

  app.delete("/telegram", { ...reauth, schema: { body: withPassword } }, async (request, reply) => {
    await confirmPassword(request, request.body);
    const { actor, row } = currentAgent(request);
    await removeSecondFactor(domain, actor, row, "telegram");
    return reply.code(204).send();
  });

  // Confirming needs no password again: only whoever started the enrolment (with it) knows the new secret.
  app.post("/totp", { ...reauth, schema: { body: withPassword, response: { 200: totpEnrollment } } }, async (request) => {
    await confirmPassword(request, request.body);
    return startTotpEnrollment(domain, currentAgent(request).row);
  });

  app.post("/totp/confirm", { schema: { body: z.object({ code }) } }, async (request, reply) => {
    const { actor, row } = currentAgent(request);
    await confirmTotpEnrollment(domain, actor, row, request.body.code);
    return reply.code(204).send();
  });

  app.get("/recovery-codes", { schema: { response: { 200: z.object({ left: z.number() }) } } }, async (request) => ({
    left: await recoveryCodesLeft(domain, currentAgent(request).row.id),
  }));

  // A new set retires the old one; shown once.
  app.post("/recovery-codes", { ...reauth, schema: { body: withPassword, response: { 200: recoveryCodesView } } }, async (request) => {
    await confirmPassword(request, request.body);
    const { actor, row } = currentAgent(request);
    return { codes: await regenerateRecoveryCodes(domain, actor, row) };
  });

  app.delete("/totp", { ...reauth, schema: { body: withPassword } }, async (request, reply) => {
    await confirmPassword(request, request.body);
    const { actor, row } = currentAgent(request);
    await removeSecondFactor(domain, actor, row, "totp");
    return reply.code(204).send();
  });
};
