import { randomUUID } from "node:crypto";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { conversationDetails, listInbox, olderMessages, openConversation, assignConversation, setConversationStatus } from "../../../domain/chat/conversations.ts";
import { sendAgentMessage } from "../../../domain/chat/messages.ts";
import { requireAssignable, requireVisibleConversation } from "../../../domain/inboxes/visibility.ts";
import type { AppDeps } from "../../../deps.ts";
import {
  apiAssign,
  apiConversationDetail,
  apiConversationList,
  apiConversationQuery,
  apiConversationResponse,
  apiIdParams,
  apiMessageList,
  apiMessageQuery,
  apiNoBody,
  apiSendMessage,
  apiSentMessage,
} from "../../../protocol/api.ts";
import { apiPrincipal } from "../../apiAuth.ts";
import { apiErrors, apiRoute } from "./openapiMeta.ts";

/** Conversations and their messages through the API, as the token's owner sees and acts. */
export const apiConversationRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  // A conversation of an inbox the owner is not a member of answers 404 on every /:id route.
  app.addHook("preHandler", async (request) => {
    const { id } = request.params as { id?: string };
    if (id !== undefined) await requireVisibleConversation(domain, apiPrincipal(request).agent, id);
  });
  const byOwner = (request: Parameters<typeof apiPrincipal>[0]) => ({ type: "agent" as const, id: apiPrincipal(request).agent.id });

  app.get("/", {
    config: { apiScope: "conversations:read" },
    schema: {
      ...apiRoute("Conversations", "List conversations", "conversations:read", "Newest activity first; filter by status, assignee, inbox, label or a search query."),
      querystring: apiConversationQuery,
      response: { 200: apiConversationList, ...apiErrors },
    },
  }, (request) => listInbox(domain, apiPrincipal(request).agent, request.query));

  app.get("/:id", {
    config: { apiScope: "conversations:read" },
    schema: { ...apiRoute("Conversations", "Get a conversation", "conversations:read"), params: apiIdParams, response: { 200: apiConversationDetail, ...apiErrors } },
  }, (request) => conversationDetails(domain, request.params.id, apiPrincipal(request).agent));

  app.post("/:id/resolve", {
    config: { apiScope: "conversations:write" },
    schema: { ...apiRoute("Conversations", "Resolve a conversation", "conversations:write"), params: apiIdParams, body: apiNoBody, response: { 200: apiConversationResponse, ...apiErrors } },
  }, async (request) => ({ conversation: await setConversationStatus(domain, request.params.id, "resolved", byOwner(request)) }));

  app.post("/:id/reopen", {
    config: { apiScope: "conversations:write" },
    schema: { ...apiRoute("Conversations", "Reopen a conversation", "conversations:write"), params: apiIdParams, body: apiNoBody, response: { 200: apiConversationResponse, ...apiErrors } },
  }, async (request) => ({ conversation: await setConversationStatus(domain, request.params.id, "open", byOwner(request)) }));

  app.post("/:id/assign", {
    config: { apiScope: "conversations:write" },
    schema: {
      ...apiRoute("Conversations", "Assign a conversation", "conversations:write", "The agent must be a member of the conversation's inbox; null unassigns."),
      params: apiIdParams,
      body: apiAssign,
      response: { 200: apiConversationResponse, ...apiErrors },
    },
  }, async (request) => {
    await requireAssignable(domain, request.params.id, request.body.agentId);
    return { conversation: await assignConversation(domain, request.params.id, request.body.agentId, byOwner(request)) };
  });

  app.get("/:id/messages", {
    config: { apiScope: "conversations:read" },
    schema: {
      ...apiRoute("Messages", "List messages", "conversations:read", "The latest page by default; `beforeSeq` pages back, `afterSeq` reads forward."),
      params: apiIdParams,
      querystring: apiMessageQuery,
      response: { 200: apiMessageList, ...apiErrors },
    },
  }, async (request) => {
    const { id } = request.params;
    const { afterSeq, beforeSeq, limit } = request.query;
    if (beforeSeq !== undefined) return { messages: await olderMessages(domain, id, beforeSeq, limit) };
    const { messages } = await openConversation(domain, id, afterSeq ?? 0);
    return { messages: afterSeq === undefined ? messages.slice(-limit) : messages.slice(0, limit) };
  });

  app.post("/:id/messages", {
    config: { apiScope: "conversations:write" },
    schema: {
      ...apiRoute("Messages", "Send a message as an agent", "conversations:write", "The token's owner (the admin who created it) is the author; replying assigns an unassigned conversation to them and reopens a resolved one."),
      params: apiIdParams,
      body: apiSendMessage,
      response: { 201: apiSentMessage, ...apiErrors },
    },
  }, async (request, reply) => {
    const input = { conversationId: request.params.id, body: request.body.body, clientId: request.body.clientId ?? randomUUID(), attachmentIds: [], via: "api" as const };
    const { message, duplicate } = await sendAgentMessage(domain, apiPrincipal(request).agent, input);
    return reply.code(201).send({ message, duplicate });
  });
};
