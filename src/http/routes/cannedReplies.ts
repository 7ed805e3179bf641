import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { createCannedReply, editCannedReply, listCannedReplies, removeCannedReply } from "../../domain/cannedReplies.ts";
import type { AppDeps } from "../../deps.ts";
import { cannedReplyChanges, cannedReplyQuery, cannedReplyView, newCannedReply } from "../../protocol/cannedReplies.ts";
import { currentAgent, requireAgent } from "../authenticate.ts";

const idParams = z.object({ id: z.uuid() });

/** Canned replies: every agent lists shared and own ones; who may change which is the domain's rule. */
export const cannedReplyRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  app.addHook("preHandler", requireAgent(domain));

  app.get("/", {
    schema: { querystring: cannedReplyQuery, response: { 200: z.object({ cannedReplies: z.array(cannedReplyView) }) } },
  }, async (request) => ({ cannedReplies: await listCannedReplies(domain, currentAgent(request).actor, request.query) }));

  app.post("/", {
    schema: { body: newCannedReply, response: { 201: z.object({ cannedReply: cannedReplyView }) } },
  }, async (request, reply) => {
    const cannedReply = await createCannedReply(domain, currentAgent(request).actor, request.body, request.ip);
    return reply.code(201).send({ cannedReply });
  });

  app.patch("/:id", {
    schema: { params: idParams, body: cannedReplyChanges, response: { 200: z.object({ cannedReply: cannedReplyView }) } },
  }, async (request) => ({ cannedReply: await editCannedReply(domain, currentAgent(request).actor, request.params.id, request.body, request.ip) }));

  app.delete("/:id", {
    schema: { params: idParams, response: { 204: z.void() } },
  }, async (request, reply) => {
    await removeCannedReply(domain, currentAgent(request).actor, request.params.id, request.ip);
    return reply.code(204).send();
  });
};
