import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { readAuditLog } from "../../domain/auditLog.ts";
import type { AppDeps } from "../../deps.ts";
import { auditPage, auditQuery } from "../../protocol/team.ts";
import { requireAdmin } from "../authenticate.ts";

/** The audit log, newest first, for admins (the console's Audit log page). */
export const auditRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  app.get("/", { preHandler: requireAdmin(domain), schema: { querystring: auditQuery, response: { 200: auditPage } } }, (request) =>
    readAuditLog(domain, request.query),
  );
};
