import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { callWithRecordings, listCallHistory } from "../../../domain/calls/callHistory.ts";
import { createCannedReply, editCannedReply, listCannedReplies, removeCannedReply } from "../../../domain/cannedReplies.ts";
import { editContact, listContacts, readContact } from "../../../domain/contacts/contacts.ts";
import { requireVisibleCall, visibleInboxes } from "../../../domain/inboxes/visibility.ts";
import type { AppDeps } from "../../../deps.ts";
import { apiCallList, apiCallQuery, apiCallResponse, apiIdParams } from "../../../protocol/api.ts";
import { cannedReplyChanges, cannedReplyQuery, cannedReplyView, newCannedReply } from "../../../protocol/cannedReplies.ts";
import { contactChanges, contactListResponse, contactQuery, contactResponse } from "../../../protocol/contacts.ts";
import { apiPrincipal } from "../../apiAuth.ts";
import { apiErrors, apiRoute } from "./openapiMeta.ts";

/** Contacts through the API: list and search, read, edit. */
export const apiContactRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  app.get("/", {
    config: { apiScope: "contacts:read" },
    schema: { ...apiRoute("Contacts", "List or search contacts", "contacts:read"), querystring: contactQuery, response: { 200: contactListResponse, ...apiErrors } },
  }, (request) => listContacts(domain, request.query));

  app.get("/:id", {
    config: { apiScope: "contacts:read" },
    schema: { ...apiRoute("Contacts", "Get a contact", "contacts:read"), params: apiIdParams, response: { 200: contactResponse, ...apiErrors } },
  }, async (request) => ({ contact: await readContact(domain, apiPrincipal(request).actor, request.params.id) }));

  app.patch("/:id", {
    config: { apiScope: "contacts:write" },
    schema: {
      ...apiRoute("Contacts", "Update a contact", "contacts:write", "Only the fields sent change; an empty string clears one."),
      params: apiIdParams,
      body: contactChanges,
      response: { 200: contactResponse, ...apiErrors },
    },
  }, async (request) => ({ contact: await editContact(domain, apiPrincipal(request).actor, request.params.id, request.body, request.ip) }));
};

/** Call history through the API (recording links are for the console and are left out). */
export const apiCallRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  app.get("/", {
    config: { apiScope: "calls:read" },
    schema: { ...apiRoute("Calls", "List calls", "calls:read", "Newest first."), querystring: apiCallQuery, response: { 200: apiCallList, ...apiErrors } },
  }, async (request) => {
    const { actor, agent } = apiPrincipal(request);
    return listCallHistory(domain, { ...request.query, sessionId: actor.sessionId, visible: await visibleInboxes(domain, agent) });
  });

  app.get("/:id", {
    config: { apiScope: "calls:read" },
    schema: { ...apiRoute("Calls", "Get a call", "calls:read"), params: apiIdParams, response: { 200: apiCallResponse, ...apiErrors } },
  }, async (request) => {
    const { actor, agent } = apiPrincipal(request);
    await requireVisibleCall(domain, agent, request.params.id);
    return { call: await callWithRecordings(domain, request.params.id, actor.sessionId) };
  });
};

const cannedReplyResponse = z.object({ cannedReply: cannedReplyView });

/** Canned replies through the API, with the owner's rights (admins change shared ones). */
export const apiCannedReplyRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  app.get("/", {
    config: { apiScope: "canned_replies:read" },
    schema: {
      ...apiRoute("Canned replies", "List canned replies", "canned_replies:read", "Shared ones and the token owner's personal ones."),
      querystring: cannedReplyQuery,
      response: { 200: z.object({ cannedReplies: z.array(cannedReplyView) }), ...apiErrors },
    },
  }, async (request) => ({ cannedReplies: await listCannedReplies(domain, apiPrincipal(request).actor, request.query) }));

  app.post("/", {
    config: { apiScope: "canned_replies:write" },
    schema: { ...apiRoute("Canned replies", "Create a canned reply", "canned_replies:write"), body: newCannedReply, response: { 201: cannedReplyResponse, ...apiErrors } },
  }, async (request, reply) => {
    const cannedReply = await createCannedReply(domain, apiPrincipal(request).actor, request.body, request.ip);
    return reply.code(201).send({ cannedReply });
  });

  app.patch("/:id", {
    config: { apiScope: "canned_replies:write" },
    schema: { ...apiRoute("Canned replies", "Update a canned reply", "canned_replies:write"), params: apiIdParams, body: cannedReplyChanges, response: { 200: cannedReplyResponse, ...apiErrors } },
  }, async (request) => ({ cannedReply: await editCannedReply(domain, apiPrincipal(request).actor, request.params.id, request.body, request.ip) }));

  app.delete("/:id", {
    config: { apiScope: "canned_replies:write" },
    schema: { ...apiRoute("Canned replies", "Delete a canned reply", "canned_replies:write"), params: apiIdParams, response: { 204: z.void().describe("Deleted"), ...apiErrors } },
  }, async (request, reply) => {
    await removeCannedReply(domain, apiPrincipal(request).actor, request.params.id, request.ip);
    return reply.code(204).send();
  });
};
