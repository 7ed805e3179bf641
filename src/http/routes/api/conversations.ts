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
import { apiOperation } from "./openapiMeta.ts";

/** Conversations and their messages through the API, as the token's owner sees and acts. */
export const apiConversationRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  // A conversation of an inbox the owner is not a member of answers 404 on every /:id route.
  app.addHook("preHandler", async (request) => {
    const { id } = request.params as { id?: string };
    if (id !== undefined) await requireVisibleConversation(domain, apiPrincipal(request).agent, id);
  });
  const byOwner = (request: Parameters<typeof apiPrincipal>[0]) => ({ type: "agent" as const, id: apiPrincipal(request).agent.id });

  app.get("/", apiOperation(
    { tag: "Conversations", summary: "List conversations", scope: "conversations:read", description: "Newest activity first; filter by status, assignee, inbox, label or a search query." },
    { querystring: apiConversationQuery, response: { 200: apiConversationList } },
  ), (request) => listInbox(domain, apiPrincipal(request).agent, request.query));

  app.get("/:id", apiOperation(
    { tag: "Conversations", summary: "Get a conversation", scope: "conversations:read" },
    { params: apiIdParams, response: { 200: apiConversationDetail } },
  ), (request) => conversationDetails(domain, request.params.id, apiPrincipal(request).agent));

  app.post("/:id/resolve", apiOperation(
    { tag: "Conversations", summary: "Resolve a conversation", scope: "conversations:write" },
    { params: apiIdParams, body: apiNoBody, response: { 200: apiConversationResponse } },
  ), async (request) => ({ conversation: await setConversationStatus(domain, request.params.id, "resolved", byOwner(request)) }));

  app.post("/:id/reopen", apiOperation(
    { tag: "Conversations", summary: "Reopen a conversation", scope: "conversations:write" },
    { params: apiIdParams, body: apiNoBody, response: { 200: apiConversationResponse } },
  ), async (request) => ({ conversation: await setConversationStatus(domain, request.params.id, "open", byOwner(request)) }));

  app.post("/:id/assign", apiOperation(
    { tag: "Conversations", summary: "Assign a conversation", scope: "conversations:write", description: "The agent must be a member of the conversation's inbox; null unassigns." },
    { params: apiIdParams, body: apiAssign, response: { 200: apiConversationResponse } },
  ), async (request) => {
    await requireAssignable(domain, request.params.id, request.body.agentId);
    return { conversation: await assignConversation(domain, request.params.id, request.body.agentId, byOwner(request)) };
  });

  app.get("/:id/messages", apiOperation(
    { tag: "Messages", summary: "List messages", scope: "conversations:read", description: "The latest page by default; `beforeSeq` pages back, `afterSeq` reads forward." },
    { params: apiIdParams, querystring: apiMessageQuery, response: { 200: apiMessageList } },
  ), async (request) => {
    const { id } = request.params;
    const { afterSeq, beforeSeq, limit } = request.query;
    if (beforeSeq !== undefined) return { messages: await olderMessages(domain, id, beforeSeq, limit) };
    const { messages } = await openConversation(domain, id, afterSeq ?? 0);
    return { messages: afterSeq === undefined ? messages.slice(-limit) : messages.slice(0, limit) };
  });

  app.post("/:id/messages", apiOperation(
    { tag: "Messages", summary: "Send a message as an agent", scope: "conversations:write", description: "The token's owner (the admin who created it) is the author; replying assigns an unassigned conversation to them and reopens a resolved one." },
    { params: apiIdParams, body: apiSendMessage, response: { 201: apiSentMessage } },
  ), async (request, reply) => {
    const input = { conversationId: request.params.id, body: request.body.body, clientId: request.body.clientId ?? randomUUID(), attachmentIds: [], via: "api" as const };
    const { message, duplicate } = await sendAgentMessage(domain, apiPrincipal(request).agent, input);
    return reply.code(201).send({ message, duplicate });
  });
};
