import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { listAgents } from "../../domain/agents.ts";
import type { AppDeps } from "../../deps.ts";
import { agentNamespaceOf } from "../../realtime/agentNamespace.ts";
import { connectedAgentIds } from "../../realtime/presence.ts";
import { requireAgent } from "../authenticate.ts";
import { teamResponse } from "../../protocol/agentStatus.ts";
import { inboxIdsOfAgents } from "../../adapters/db/repositories/inboxes.ts";
import { teamStatuses } from "../../domain/assignment/agentStatus.ts";

/**
 * Everyone on the team, with who has the console open (`online`), the status each chose, and
 * whether they are available (status online and a console open): the assign menu and presence list.
 */
export const teamRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  app.get("/", {
    preHandler: requireAgent(domain),
    schema: { response: { 200: teamResponse } },
  }, async () => {
    const online = new Set(await connectedAgentIds(agentNamespaceOf(app.io)));
    const agents = (await listAgents(domain)).filter((a) => !a.disabledAt);
    const statuses = new Map((await teamStatuses(domain, online)).map((s) => [s.agentId, s]));
    const memberships = await inboxIdsOfAgents(domain.db);
    return {
      agents: agents.map((a) => ({
        id: a.id,
        name: a.name,
        username: a.username,
        online: online.has(a.id),
        status: statuses.get(a.id)?.status ?? "online",
        available: statuses.get(a.id)?.available ?? false,
        role: a.isAdmin ? ("admin" as const) : ("agent" as const),
        inboxIds: memberships.get(a.id) ?? [],
      })),
    };
  });
};
