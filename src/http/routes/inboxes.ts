import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppDeps } from "../../deps.ts";
import { notFound } from "../../domain/errors.ts";
import {
  addInboxMember,
  createInbox,
  inboxesOfAgent,
  listInboxes,
  removeInbox,
  removeInboxMember,
  renameInbox,
  setInboxMembers,
} from "../../domain/inboxes/inboxes.ts";
import { inboxChanges, inboxId, inboxListResponse, inboxMember, inboxMembers, inboxResponse, newInbox } from "../../protocol/inboxes.ts";
import { agentNamespaceOf } from "../../realtime/agentNamespace.ts";
import { inboxesChanged, moveInboxMembers } from "../../realtime/inboxRooms.ts";
import { currentAgent, requireAdmin, requireAgent } from "../authenticate.ts";

const idParams = z.object({ id: inboxId });

/** Inboxes: every agent lists the ones they see (admins all); only admins change them. */
export const inboxRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  const agents = () => agentNamespaceOf(app.io);
  const admin = { preHandler: requireAdmin(domain) };
  const anyAgent = { preHandler: requireAgent(domain) };

  /** The inboxes this agent sees: all for admins, their own for agents. */
  const visibleTo = async (row: { id: string; role: "admin" | "agent" }) =>
    row.role === "admin" ? listInboxes(domain) : listInboxes(domain, await inboxesOfAgent(domain, row.id));

  app.get("/", { ...anyAgent, schema: { response: { 200: inboxListResponse } } }, async (request) => ({
    inboxes: await visibleTo(currentAgent(request).row),
  }));

  app.get("/:id", { ...anyAgent, schema: { params: idParams, response: { 200: inboxResponse } } }, async (request) => {
    const inbox = (await visibleTo(currentAgent(request).row)).find((i) => i.id === request.params.id);
    if (!inbox) throw notFound("inbox_not_found", "No such inbox.");
    return { inbox };
  });

  app.post("/", { ...admin, schema: { body: newInbox, response: { 201: inboxResponse } } }, async (request, reply) => {
    const inbox = await createInbox(domain, currentAgent(request).actor, request.body, request.ip);
    inboxesChanged(agents(), inbox.id);
    return reply.code(201).send({ inbox });
  });

  app.patch("/:id", { ...admin, schema: { params: idParams, body: inboxChanges, response: { 200: inboxResponse } } }, async (request) => {
    const inbox = await renameInbox(domain, currentAgent(request).actor, request.params.id, request.body.name, request.ip);
    inboxesChanged(agents(), inbox.id);
    return { inbox };
  });

  app.delete("/:id", { ...admin, schema: { params: idParams, response: { 204: z.void() } } }, async (request, reply) => {
    await removeInbox(domain, currentAgent(request).actor, request.params.id, request.ip);
    inboxesChanged(agents(), request.params.id, true);
    return reply.code(204).send();
  });

  app.put("/:id/members", { ...admin, schema: { params: idParams, body: inboxMembers, response: { 200: inboxResponse } } }, async (request) => {
    const change = await setInboxMembers(domain, currentAgent(request).actor, request.params.id, request.body.agentIds, request.ip);
    moveInboxMembers(agents(), request.params.id, change);
    return { inbox: change.inbox };
  });

  app.post("/:id/members", { ...admin, schema: { params: idParams, body: inboxMember, response: { 200: inboxResponse } } }, async (request) => {
    const change = await addInboxMember(domain, currentAgent(request).actor, request.params.id, request.body.agentId, request.ip);
    moveInboxMembers(agents(), request.params.id, change);
    return { inbox: change.inbox };
  });

  app.delete("/:id/members/:agentId", {
    ...admin,
    schema: { params: idParams.extend({ agentId: z.uuid() }), response: { 200: inboxResponse } },
  }, async (request) => {
    const change = await removeInboxMember(domain, currentAgent(request).actor, request.params.id, request.params.agentId, request.ip);
    moveInboxMembers(agents(), request.params.id, change);
    return { inbox: change.inbox };
  });
};
