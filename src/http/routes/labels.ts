import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { createLabel, editLabel, labelCatalogue, removeLabel } from "../../domain/labels.ts";
import type { AppDeps } from "../../deps.ts";
import { labelChanges, labelIdParams, labelList, labelView, newLabel } from "../../protocol/labels.ts";
import { currentAgent, requireAdmin, requireAgent } from "../authenticate.ts";

// A conversation's labels (`/api/conversations/:id/labels`) are conversation routes, in
// conversations.ts, so every rule about who sees a conversation applies to them too.

/** `/api/labels`: every agent reads the catalogue; admins add, rename, recolour and delete. */
export const labelRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  app.get("/", { preHandler: requireAgent(domain), schema: { response: { 200: labelList } } }, async () => ({ labels: await labelCatalogue(domain) }));

  app.post("/", {
    preHandler: requireAdmin(domain),
    schema: { body: newLabel, response: { 201: z.object({ label: labelView }) } },
  }, async (request, reply) => {
    const label = await createLabel(domain, currentAgent(request).actor, request.body, request.ip);
    return reply.code(201).send({ label });
  });

  app.patch("/:id", {
    preHandler: requireAdmin(domain),
    schema: { params: labelIdParams, body: labelChanges, response: { 200: z.object({ label: labelView }) } },
  }, async (request) => ({ label: await editLabel(domain, currentAgent(request).actor, request.params.id, request.body, request.ip) }));

  app.delete("/:id", {
    preHandler: requireAdmin(domain),
    schema: { params: labelIdParams, response: { 204: z.void() } },
  }, async (request, reply) => {
    await removeLabel(domain, currentAgent(request).actor, request.params.id, request.ip);
    return reply.code(204).send();
  });
};
