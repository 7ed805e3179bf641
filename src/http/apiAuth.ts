import type { FastifyReply, FastifyRequest } from "fastify";
import { type ApiPrincipal, auditApiWrite, authenticateApiToken, requireApiScope } from "../domain/apiTokens.ts";
import { unauthorized } from "../domain/errors.ts";
import type { DomainDeps } from "../domain/ports.ts";
import type { ApiScope } from "../protocol/apiTokens.ts";
import { bearerToken } from "./authenticate.ts";

declare module "fastify" {
  interface FastifyRequest {
    apiPrincipal?: ApiPrincipal;
  }
  interface FastifyContextConfig {
    /** The scope an /api/v1 route needs of the API token. */
    apiScope?: ApiScope;
  }
}

/**
 * preHandler of /api/v1: the Bearer API token must be live and hold the route's scope. Bearer
 * credentials are never sent by a browser on its own, so these routes need no CSRF token.
 */
export function requireApiToken(deps: DomainDeps) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const secret = bearerToken(request);
    if (!secret) throw unauthorized("api_token_missing", "Send an API token as `Authorization: Bearer dst_…`.");
    const principal = await authenticateApiToken(deps, secret);
    request.apiPrincipal = principal;
    const scope = request.routeOptions.config.apiScope;
    // A route without a scope is a mistake caught here rather than an open door.
    if (!scope) throw unauthorized("api_token_invalid", "This route takes no API token.");
    requireApiScope(principal, scope);
  };
}

/** onResponse of /api/v1: one audit entry per write request made with a token. */
export function auditApiWrites(deps: DomainDeps) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const principal = request.apiPrincipal;
    if (!principal || request.method === "GET" || request.method === "HEAD") return;
    const entry = { method: request.method, route: request.routeOptions.url ?? request.url, status: reply.statusCode, ip: request.ip };
    await auditApiWrite(deps, principal, entry).catch((err: unknown) => request.log.warn({ err }, "auditing an API request failed"));
  };
}

/** The token's principal; only call in an /api/v1 handler (requireApiToken ran). */
export function apiPrincipal(request: FastifyRequest): ApiPrincipal {
  if (!request.apiPrincipal) throw unauthorized("api_token_missing", "Send an API token as `Authorization: Bearer dst_…`.");
  return request.apiPrincipal;
}
