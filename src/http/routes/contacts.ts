import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { PassThrough } from "node:stream";
import { z } from "zod";
import { editContact, listContacts, readContact } from "../../domain/contacts/contacts.ts";
import { mergeContacts } from "../../domain/contacts/mergeContacts.ts";
import type { AppDeps } from "../../deps.ts";
import { writeExportZip } from "../../adapters/export/zipExport.ts";
import { invalid } from "../../domain/errors.ts";
import { erasePerson } from "../../domain/privacy/erasePerson.ts";
import { exportPerson } from "../../domain/privacy/exportPerson.ts";
import { contactChanges, contactErase, contactListResponse, contactMerge, contactQuery, contactResponse, eraseResponse } from "../../protocol/contacts.ts";
import { currentAgent, requireAdmin, requireAgent } from "../authenticate.ts";
import { contentDisposition } from "../blobResponse.ts";

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

  // Privacy requests (admins): everything about the person as one zip, or erased for good.
  app.get("/:id/export", {
    preHandler: requireAdmin(domain),
    schema: { params: idParams },
  }, async (request, reply) => {
    const exported = await exportPerson(domain, { actor: currentAgent(request).actor, person: request.params.id, ip: request.ip });
    const body = new PassThrough();
    writeExportZip(exported, domain.storage, body).catch((err: unknown) => {
      request.log.error({ err }, "writing a contact export failed");
      body.destroy(err instanceof Error ? err : new Error(String(err)));
    });
    return reply
      .type("application/zip")
      .header("content-disposition", contentDisposition("attachment", `contact-${request.params.id}.zip`))
      .header("cache-control", "no-store")
      .send(body);
  });

  app.post("/:id/erase", {
    preHandler: requireAdmin(domain),
    schema: { params: idParams, body: contactErase, response: { 200: eraseResponse } },
  }, async (request) => {
    if (request.body.confirm !== request.params.id) throw invalid("erase_not_confirmed", "Confirm the erase by sending the contact's id as `confirm`.");
    return { report: await erasePerson(domain, { actor: currentAgent(request).actor, person: request.params.id, ip: request.ip }) };
  });

  app.post("/:id/merge", {
    schema: { params: idParams, body: contactMerge, response: { 200: contactResponse } },
  }, async (request) => ({ contact: await mergeContacts(domain, currentAgent(request).actor, request.params.id, request.body.otherId, request.ip) }));
};
