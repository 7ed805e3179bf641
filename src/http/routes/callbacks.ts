import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { completeCallback, listCallbackRequests, requestCallback } from "../../domain/callbacks/callbackRequests.ts";
import { consumeAddressLimit } from "../../domain/chat/addressLimits.ts";
import { resolveVisitorIdentity } from "../../domain/chat/identity.ts";
import { identifyVisitor } from "../../domain/chat/visitors.ts";
import { unauthorized } from "../../domain/errors.ts";
import type { AppDeps } from "../../deps.ts";
import { callbackList, callbackQuery, callbackReceipt, callbackView, newCallbackRequest } from "../../protocol/callbacks.ts";
import { currentAgent, requireAgent } from "../authenticate.ts";
import { emptyBody } from "../schemas.ts";
import { identityFromHeaders } from "./widget.ts";

/** The console's call-back tasks: every agent lists them and marks them done. */
export const callbackRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  app.addHook("preHandler", requireAgent(domain));

  app.get("/", {
    schema: { querystring: callbackQuery, response: { 200: callbackList } },
  }, async (request) => listCallbackRequests(domain, currentAgent(request).row, request.query.status));

  app.post("/:id/done", {
    schema: { params: z.object({ id: z.uuid() }), body: emptyBody, response: { 200: z.object({ callback: callbackView }) } },
  }, async (request) => ({ callback: await completeCallback(domain, currentAgent(request).row, request.params.id) }));
};

/** The widget's `Request a call back`: the visitor token as for uploads, then one request. */
export const widgetCallbackRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  app.post("/api/widget/callbacks", {
    config: { rateLimit: { max: 10, timeWindow: "1 minute" } },
    schema: { body: newCallbackRequest, response: { 201: callbackReceipt } },
  }, async (request, reply) => {
    const token = request.headers.authorization?.match(/^Visitor\s+(\S+)$/)?.[1];
    if (!token) throw unauthorized("visitor_token_invalid", "The widget sent no valid visitor token.");
    const origin = { address: request.ip };
    // Each request posts to Telegram: counted with the address's messages, so made-up tokens do not multiply it.
    await consumeAddressLimit(domain, "messages", origin);
    const anonymous = await identifyVisitor(domain, { token, userAgent: request.headers["user-agent"] ?? null, language: null, origin });
    const visitor = await resolveVisitorIdentity(domain, { visitor: anonymous, token, claim: identityFromHeaders(request) });
    const callback = await requestCallback(domain, visitor, request.body);
    return reply.code(201).send({ callback: { id: callback.id, createdAt: callback.createdAt } });
  });
};
