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
import { apiOperation } from "./openapiMeta.ts";

/** Contacts through the API: list and search, read, edit. */
export const apiContactRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  app.get("/", apiOperation(
    { tag: "Contacts", summary: "List or search contacts", scope: "contacts:read" },
    { querystring: contactQuery, response: { 200: contactListResponse } },
  ), (request) => listContacts(domain, request.query));

  app.get("/:id", apiOperation(
    { tag: "Contacts", summary: "Get a contact", scope: "contacts:read" },
    { params: apiIdParams, response: { 200: contactResponse } },
  ), async (request) => ({ contact: await readContact(domain, apiPrincipal(request).actor, request.params.id) }));

  app.patch("/:id", apiOperation(
    { tag: "Contacts", summary: "Update a contact", scope: "contacts:write", description: "Only the fields sent change; an empty string clears one." },
    { params: apiIdParams, body: contactChanges, response: { 200: contactResponse } },
  ), async (request) => ({ contact: await editContact(domain, apiPrincipal(request).actor, request.params.id, request.body, request.ip) }));
};

/** Call history through the API (recording links are for the console and are left out). */
export const apiCallRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  app.get("/", apiOperation(
    { tag: "Calls", summary: "List calls", scope: "calls:read", description: "Newest first." },
    { querystring: apiCallQuery, response: { 200: apiCallList } },
  ), async (request) => {
    const { actor, agent } = apiPrincipal(request);
    return listCallHistory(domain, { ...request.query, sessionId: actor.sessionId, visible: await visibleInboxes(domain, agent) });
  });

  app.get("/:id", apiOperation(
    { tag: "Calls", summary: "Get a call", scope: "calls:read" },
    { params: apiIdParams, response: { 200: apiCallResponse } },
  ), async (request) => {
    const { actor, agent } = apiPrincipal(request);
    await requireVisibleCall(domain, agent, request.params.id);
    return { call: await callWithRecordings(domain, request.params.id, actor.sessionId) };
  });
};

const cannedReplyResponse = z.object({ cannedReply: cannedReplyView });

/** Canned replies through the API, with the owner's rights (admins change shared ones). */
export const apiCannedReplyRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  app.get("/", apiOperation(
    { tag: "Canned replies", summary: "List canned replies", scope: "canned_replies:read", description: "Shared ones and the token owner's personal ones." },
    { querystring: cannedReplyQuery, response: { 200: z.object({ cannedReplies: z.array(cannedReplyView) }) } },
  ), async (request) => ({ cannedReplies: await listCannedReplies(domain, apiPrincipal(request).actor, request.query) }));

  app.post("/", apiOperation(
    { tag: "Canned replies", summary: "Create a canned reply", scope: "canned_replies:write" },
    { body: newCannedReply, response: { 201: cannedReplyResponse } },
  ), async (request, reply) => {
    const cannedReply = await createCannedReply(domain, apiPrincipal(request).actor, request.body, request.ip);
    return reply.code(201).send({ cannedReply });
  });

  app.patch("/:id", apiOperation(
    { tag: "Canned replies", summary: "Update a canned reply", scope: "canned_replies:write" },
    { params: apiIdParams, body: cannedReplyChanges, response: { 200: cannedReplyResponse } },
  ), async (request) => ({ cannedReply: await editCannedReply(domain, apiPrincipal(request).actor, request.params.id, request.body, request.ip) }));

  app.delete("/:id", apiOperation(
    { tag: "Canned replies", summary: "Delete a canned reply", scope: "canned_replies:write" },
    { params: apiIdParams, response: { 204: z.void().describe("Deleted") } },
  ), async (request, reply) => {
    await removeCannedReply(domain, apiPrincipal(request).actor, request.params.id, request.ip);
    return reply.code(204).send();
  });
};
