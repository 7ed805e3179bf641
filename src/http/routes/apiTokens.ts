import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { createApiToken, listApiTokens, revokeApiToken } from "../../domain/apiTokens.ts";
import type { AppDeps } from "../../deps.ts";
import { apiIdParams } from "../../protocol/api.ts";
import { apiTokenList, apiTokenView, createdApiToken, newApiToken } from "../../protocol/apiTokens.ts";
import { z } from "zod";
import { currentAgent, requireAdmin } from "../authenticate.ts";
import { emptyBody } from "../schemas.ts";

/** The console's API tokens page (admins): list, create (the secret is shown once), revoke. */
export const apiTokenRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  app.addHook("preHandler", requireAdmin(domain));

  app.get("/", { schema: { response: { 200: apiTokenList } } }, async () => ({ tokens: await listApiTokens(domain) }));

  app.post("/", {
    schema: { body: newApiToken, response: { 201: createdApiToken } },
  }, async (request, reply) => reply.code(201).send(await createApiToken(domain, currentAgent(request).actor, request.body, request.ip)));

  app.post("/:id/revoke", {
    schema: { params: apiIdParams, body: emptyBody, response: { 200: z.object({ apiToken: apiTokenView }) } },
  }, async (request) => ({ apiToken: await revokeApiToken(domain, currentAgent(request).actor, request.params.id, request.ip) }));
};
