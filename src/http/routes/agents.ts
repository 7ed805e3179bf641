import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { createAgent, disableAgent, listAgents } from "../../domain/agents.ts";
import type { AppDeps } from "../../deps.ts";
import { enableAgent, inviteAgent, listTeam, passwordResetLink, resendInvite, resetSecondFactor, revokeLinks, setRole } from "../../domain/team.ts";
import { agentRole, inviteRequest, inviteResponse, oneTimeLinkView, teamMemberView } from "../../protocol/team.ts";
import { currentAgent, requireAdmin } from "../authenticate.ts";
import { agentNamespaceOf } from "../../realtime/agentNamespace.ts";
import { moveAfterRoleChange } from "../../realtime/inboxRooms.ts";
import { inboxesOfAgent } from "../../domain/inboxes/inboxes.ts";
import { agentView, emptyBody, password, text } from "../schemas.ts";

/** Admin-only team management. */
export const agentRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  app.addHook("preHandler", requireAdmin(domain));

  app.get("/", { schema: { response: { 200: z.object({ agents: z.array(agentView) }) } } }, async () => ({
    agents: await listAgents(domain),
  }));

  app.post("/", {
    schema: {
      body: z.object({
        username: text().trim().min(2).max(32),
        name: text().trim().min(1).max(100),
        password,
        admin: z.boolean().default(false),
        telegramChatId: z.string().regex(/^-?\d{1,20}$/).optional(),
        language: z.enum(["tr", "en"]).optional(),
      }),
      response: { 201: z.object({ agent: agentView }) },
    },
  }, async (request, reply) => {
    const { admin, ...rest } = request.body;
    const agent = await createAgent(domain, currentAgent(request).actor, { ...rest, role: admin ? "admin" : "agent" });
    return reply.code(201).send({ agent });
  });

  app.post("/:username/disable", {
    schema: { params: z.object({ username: text().min(1).max(64) }), body: emptyBody, response: { 200: z.object({ agent: agentView }) } },
  }, async (request) => {
    // Their open consoles stop at once, on every node (the README promises it): the domain publishes
    // `session.ended`, and each node's socket gateway ends its own.
    const agent = await disableAgent(domain, currentAgent(request).actor, request.params.username);
    return { agent };
  });

  // The console's Team page: status, factors and last sign-in of everyone.
  app.get("/members", { schema: { response: { 200: z.object({ members: z.array(teamMemberView) }) } } }, async () => ({
    members: await listTeam(domain),
  }));

  app.post("/invites", { schema: { body: inviteRequest, response: { 201: inviteResponse } } }, async (request, reply) => {
    return reply.code(201).send(await inviteAgent(domain, currentAgent(request).actor, request.body));
  });

  const byName = { params: z.object({ username: text().min(1).max(64) }) };
  const memberResponse = { 200: z.object({ member: teamMemberView }) };
  const linkResponse = { 200: oneTimeLinkView };

  app.post("/:username/invite", { schema: { ...byName, body: emptyBody, response: linkResponse } }, (request) =>
    resendInvite(domain, currentAgent(request).actor, request.params.username),
  );

  app.post("/:username/revoke-links", { schema: { ...byName, body: emptyBody, response: memberResponse } }, async (request) => ({
    member: await revokeLinks(domain, currentAgent(request).actor, request.params.username),
  }));

  app.post("/:username/password-reset-link", { schema: { ...byName, body: emptyBody, response: linkResponse } }, (request) =>
    passwordResetLink(domain, currentAgent(request).actor, request.params.username),
  );

  app.post("/:username/enable", { schema: { ...byName, body: emptyBody, response: memberResponse } }, async (request) => ({
    member: await enableAgent(domain, currentAgent(request).actor, request.params.username),
  }));

  app.post("/:username/role", { schema: { ...byName, body: z.object({ role: agentRole }), response: memberResponse } }, async (request) => {
    const member = await setRole(domain, currentAgent(request).actor, request.params.username, request.body.role);
    // An admin's consoles hear every inbox; an agent's only their own, from now on.
    moveAfterRoleChange(agentNamespaceOf(app.io), member.id, member.role, await inboxesOfAgent(domain, member.id));
    return { member };
  });

  app.post("/:username/reset-second-factor", { schema: { ...byName, body: emptyBody, response: memberResponse } }, async (request) => {
    const member = await resetSecondFactor(domain, currentAgent(request).actor, request.params.username);
    return { member };
  });
};
