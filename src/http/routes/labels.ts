import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { createLabel, editLabel, filterOptionsFor, labelCatalogue, removeLabel, setConversationLabel } from "../../domain/labels.ts";
import type { AppDeps } from "../../deps.ts";
import {
  addConversationLabel,
  conversationLabelParams,
  conversationLabels,
  filterOptions,
  labelChanges,
  labelIdParams,
  labelList,
  labelView,
  newLabel,
} from "../../protocol/labels.ts";
import { currentAgent, requireAdmin, requireAgent } from "../authenticate.ts";

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

/** Under `/api/conversations`: a conversation's labels (any agent), and what the inbox can filter by. */
export const conversationLabelRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  app.addHook("preHandler", requireAgent(domain));

  app.get("/filters", { schema: { response: { 200: filterOptions } } }, (request) => filterOptionsFor(domain, currentAgent(request).row));

  app.post("/:id/labels", {
    schema: { params: z.object({ id: z.uuid() }), body: addConversationLabel, response: { 200: conversationLabels } },
  }, async (request) => {
    const { labels } = await setConversationLabel(domain, currentAgent(request).actor, { conversationId: request.params.id, labelId: request.body.labelId, on: true });
    return { labels };
  });

  app.delete("/:id/labels/:labelId", {
    schema: { params: conversationLabelParams, response: { 200: conversationLabels } },
  }, async (request) => {
    const { labels } = await setConversationLabel(domain, currentAgent(request).actor, { conversationId: request.params.id, labelId: request.params.labelId, on: false });
    return { labels };
  });
};
