import type { FastifyReply, FastifyRequest } from "fastify";
import type { AgentRow } from "../adapters/db/repositories/agents.ts";
import { authenticate } from "../domain/auth/sessions.ts";
import { forbidden, unauthorized } from "../domain/errors.ts";
import type { Actor, DomainDeps } from "../domain/ports.ts";

export type AgentActor = Extract<Actor, { type: "agent" }>;

declare module "fastify" {
  interface FastifyRequest {
    agent?: { actor: AgentActor; row: AgentRow };
  }
}

/** Reads the Bearer access token. Bearer auth is not sent by browsers on their own, so it needs no CSRF token. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1];
}

/** preHandler: the request must carry a live agent session. */
export function requireAgent(deps: DomainDeps) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const token = bearerToken(request);
    if (!token) throw unauthorized("unauthenticated", "Sign in first.");
    const { actor, agent } = await authenticate(deps, token);
    request.agent = { actor, row: agent };
  };
}

/** preHandler: as requireAgent, and the agent must be an admin. */
export function requireAdmin(deps: DomainDeps) {
  const agentCheck = requireAgent(deps);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    await agentCheck(request, reply);
    if (request.agent?.actor.role !== "admin") throw forbidden("admin_only", "Only admins can do this.");
  };
}

/** The authenticated agent; only call after requireAgent ran. */
export function currentAgent(request: FastifyRequest): { actor: AgentActor; row: AgentRow } {
  if (!request.agent) throw unauthorized("unauthenticated", "Sign in first.");
  return request.agent;
}
