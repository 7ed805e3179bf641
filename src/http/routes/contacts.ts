import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { editContact, listContacts, readContact } from "../../domain/contacts/contacts.ts";
import { mergeContacts } from "../../domain/contacts/mergeContacts.ts";
import type { AppDeps } from "../../deps.ts";
import { contactChanges, contactListResponse, contactMerge, contactQuery, contactResponse } from "../../protocol/contacts.ts";
import { currentAgent, requireAgent } from "../authenticate.ts";

const idParams = z.object({ id: z.uuid() });

/** Contacts: every agent lists, reads and edits them; merging two is for admins (the domain's rule). */
export const contactRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  app.addHook("preHandler", requireAgent(domain));

  app.get("/", {
    schema: { querystring: contactQuery, response: { 200: contactListResponse } },
  }, (request) => listContacts(domain, request.query));

  app.get("/:id", {
    schema: { params: idParams, response: { 200: contactResponse } },
  }, async (request) => ({ contact: await readContact(domain, currentAgent(request).actor, request.params.id) }));

  app.patch("/:id", {
    schema: { params: idParams, body: contactChanges, response: { 200: contactResponse } },
  }, async (request) => ({ contact: await editContact(domain, currentAgent(request).actor, request.params.id, request.body, request.ip) }));

  app.post("/:id/merge", {
    schema: { params: idParams, body: contactMerge, response: { 200: contactResponse } },
  }, async (request) => ({ contact: await mergeContacts(domain, currentAgent(request).actor, request.params.id, request.body.otherId, request.ip) }));
};
