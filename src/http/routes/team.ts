import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { listAgents } from "../../domain/agents.ts";
import type { AppDeps } from "../../deps.ts";
import { AGENTS_ROOM } from "../../realtime/rooms.ts";
import { requireAgent } from "../authenticate.ts";

/** Everyone on the team, with who has the console open: the assign menu. */
export const teamRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  app.get("/", {
    preHandler: requireAgent(domain),
    schema: { response: { 200: z.object({ agents: z.array(z.object({ id: z.string(), name: z.string(), username: z.string(), online: z.boolean() })) }) } },
  }, async () => {
    const sockets = await app.io.of("/agent").in(AGENTS_ROOM).fetchSockets();
    const online = new Set(sockets.map((s) => (s.data as { actor?: { agentId: string } }).actor?.agentId));
    const agents = (await listAgents(domain)).filter((a) => !a.disabledAt);
    return { agents: agents.map((a) => ({ id: a.id, name: a.name, username: a.username, online: online.has(a.id) })) };
  });
};
