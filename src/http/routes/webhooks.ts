import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppDeps } from "../../deps.ts";
import { createWebhook, editWebhook, listWebhookViews, redeliver, removeWebhook, rollWebhookSecret, webhookDeliveries } from "../../domain/webhooks/webhooks.ts";
import {
  deliveriesQuery,
  newWebhook,
  webhookChanges,
  webhookDeliveryList,
  webhookDeliveryParams,
  webhookDeliveryView,
  webhookIdParams,
  webhookList,
  webhookView,
} from "../../protocol/webhooks.ts";
import { currentAgent, requireAdmin } from "../authenticate.ts";

/** `/api/webhooks` (admins): the webhooks, their signing secrets, their delivery logs and Redeliver. */
export const webhookRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain, config }) => {
  const policy = config.webhooks;
  const admin = { preHandler: requireAdmin(domain) };

  app.get("/", { ...admin, schema: { response: { 200: webhookList } } }, async (request) => ({
    webhooks: await listWebhookViews(domain, currentAgent(request).actor),
  }));

  app.post("/", { ...admin, schema: { body: newWebhook, response: { 201: z.object({ webhook: webhookView }) } } }, async (request, reply) => {
    const webhook = await createWebhook(domain, currentAgent(request).actor, request.body, policy, request.ip);
    return reply.code(201).send({ webhook });
  });

  app.patch("/:id", { ...admin, schema: { params: webhookIdParams, body: webhookChanges, response: { 200: z.object({ webhook: webhookView }) } } }, async (request) => ({
    webhook: await editWebhook(domain, currentAgent(request).actor, request.params.id, request.body, policy, request.ip),
  }));

  app.delete("/:id", { ...admin, schema: { params: webhookIdParams, response: { 204: z.void() } } }, async (request, reply) => {
    await removeWebhook(domain, currentAgent(request).actor, request.params.id, request.ip);
    return reply.code(204).send();
  });

  app.post("/:id/secret", { ...admin, schema: { params: webhookIdParams, body: z.object({}).strict(), response: { 200: z.object({ webhook: webhookView }) } } }, async (request) => ({
    webhook: await rollWebhookSecret(domain, currentAgent(request).actor, request.params.id, request.ip),
  }));

  app.get("/:id/deliveries", { ...admin, schema: { params: webhookIdParams, querystring: deliveriesQuery, response: { 200: webhookDeliveryList } } }, async (request) => ({
    deliveries: await webhookDeliveries(domain, currentAgent(request).actor, request.params.id, request.query.limit),
  }));

  app.post(
    "/:id/deliveries/:deliveryId/redeliver",
    { ...admin, schema: { params: webhookDeliveryParams, body: z.object({}).strict(), response: { 201: z.object({ delivery: webhookDeliveryView }) } } },
    async (request, reply) => {
      const delivery = await redeliver(domain, currentAgent(request).actor, request.params.id, request.params.deliveryId, request.ip);
      return reply.code(201).send({ delivery });
    },
  );
};
