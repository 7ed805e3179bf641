import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { uploadAttachment } from "../../domain/chat/attachments.ts";
import { conversationDetails, inboxCounts, listInbox, olderMessages } from "../../domain/chat/conversations.ts";
import { conversationTimeline } from "../../domain/chat/timeline.ts";
import { filterOptionsFor, setConversationLabel } from "../../domain/labels.ts";
import { addConversationLabel, conversationLabelParams, conversationLabels, filterOptions } from "../../protocol/labels.ts";
import { requireVisibleConversation } from "../../domain/inboxes/visibility.ts";
import { timelineResponse } from "../../protocol/timeline.ts";
import type { AppDeps } from "../../deps.ts";
import { attachmentView, conversationSummary, messageView } from "../../protocol/chat.ts";
import { searchSnippet } from "../../protocol/search.ts";
import { currentAgent, requireAgent } from "../authenticate.ts";
import { text } from "../schemas.ts";
import { readUpload } from "../upload.ts";

const idParams = z.object({ id: z.uuid() });

/** The inbox over HTTP: lists, details and history pages. Live changes come over the socket. */
export const conversationRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  app.addHook("preHandler", requireAgent(domain));
  // A conversation of an inbox the agent is not a member of answers 404 on every /:id route.
  app.addHook("preHandler", async (request) => {
    const { id } = request.params as { id?: string };
    if (id !== undefined) await requireVisibleConversation(domain, currentAgent(request).row, id);
  });

  app.get("/", {
    schema: {
      querystring: z.object({
        status: z.enum(["open", "pending", "resolved", "all"]).default("open"),
        /** "me", "unassigned", "all", or an agent's id. */
        assignee: z.union([z.enum(["me", "unassigned", "all"]), z.uuid()]).default("all"),
        inbox: text().min(1).max(100).optional(),
        label: z.uuid().optional(),
        q: text().max(200).optional(),
        cursor: text().max(500).optional(),
        limit: z.coerce.number().int().min(1).max(100).default(30),
      }),
      response: {
        200: z.object({
          conversations: z.array(conversationSummary),
          nextCursor: z.string().nullable(),
          /** With a search query: why each conversation matched, by conversation id. */
          matches: z.record(z.string(), searchSnippet).optional(),
        }),
      },
    },
  }, (request) => listInbox(domain, currentAgent(request).row, request.query));

  app.get("/counts", {
    schema: { response: { 200: z.object({ open: z.number(), pending: z.number(), resolved: z.number(), unread: z.number() }) } },
  }, (request) => inboxCounts(domain, currentAgent(request).row));

  /** What the list's filters offer: the inboxes the agent sees, the labels, the team. */
  app.get("/filters", { schema: { response: { 200: filterOptions } } }, (request) => filterOptionsFor(domain, currentAgent(request).row));

  app.get("/:id", { schema: { params: idParams } }, (request) => conversationDetails(domain, request.params.id, currentAgent(request).row));

  app.get("/:id/timeline", {
    schema: { params: idParams, response: { 200: timelineResponse } },
  }, (request) => conversationTimeline(domain, request.params.id, currentAgent(request).actor.sessionId));

  app.get("/:id/messages", {
    schema: {
      params: idParams,
      querystring: z.object({ beforeSeq: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER), limit: z.coerce.number().int().min(1).max(100).default(50) }),
      response: { 200: z.object({ messages: z.array(messageView) }) },
    },
  }, async (request) => ({ messages: await olderMessages(domain, request.params.id, request.query.beforeSeq, request.query.limit) }));

  app.post("/:id/attachments", {
    config: { multipart: true },
    schema: { params: idParams, response: { 201: z.object({ attachment: attachmentView }) } },
  }, async (request, reply) => {
    const upload = await readUpload(request, domain.chat.uploadMaxBytes);
    const attachment = await uploadAttachment(domain, { uploader: `agent:${currentAgent(request).row.id}`, ...upload });
    return reply.code(201).send({ attachment });
  });

  // A label on or off; every console hears of it as a conversation update.
  app.post("/:id/labels", {
    schema: { params: idParams, body: addConversationLabel, response: { 200: conversationLabels } },
  }, async (request) => {
    const input = { conversationId: request.params.id, labelId: request.body.labelId, on: true };
    return { labels: (await setConversationLabel(domain, currentAgent(request).actor, input)).labels };
  });

  app.delete("/:id/labels/:labelId", {
    schema: { params: conversationLabelParams, response: { 200: conversationLabels } },
  }, async (request) => {
    const input = { conversationId: request.params.id, labelId: request.params.labelId, on: false };
    return { labels: (await setConversationLabel(domain, currentAgent(request).actor, input)).labels };
  });
};
