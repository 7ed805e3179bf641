import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { createAgent, disableAgent, listAgents } from "../../domain/agents.ts";
import type { AppDeps } from "../../deps.ts";
import { currentAgent, requireAdmin } from "../authenticate.ts";
import { agentNamespaceOf, agentRoom, endConsoles } from "../../realtime/agentNamespace.ts";
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
    const agent = await disableAgent(domain, currentAgent(request).actor, request.params.username);
    // Their open consoles stop at once, on every node (the README promises it).
    endConsoles(agentNamespaceOf(app.io), agentRoom(agent.id), "agent_disabled");
    return { agent };
  });
};
