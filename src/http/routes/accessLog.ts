import { Readable } from "node:stream";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { accessLogCsv, readAccessLog } from "../../domain/privacy/accessLog.ts";
import type { AppDeps } from "../../deps.ts";
import { accessLogFilter, accessLogPage, accessLogQuery } from "../../protocol/accessLog.ts";
import { requireAdmin } from "../authenticate.ts";
import { contentDisposition } from "../blobResponse.ts";

/** The access log of recordings and attachments, for admins: pages (the console's Access log page) and a CSV export. */
export const accessLogRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  app.addHook("preHandler", requireAdmin(domain));

  app.get("/", { schema: { querystring: accessLogQuery, response: { 200: accessLogPage } } }, (request) => readAccessLog(domain, request.query));

  app.get("/export", { schema: { querystring: accessLogFilter } }, async (request, reply) => {
    const lines = accessLogCsv(domain, request.query);
    const day = new Date(domain.clock.now()).toISOString().slice(0, 10);
    return reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", contentDisposition("attachment", `access-log-${day}.csv`))
      .header("cache-control", "no-store")
      .send(Readable.from(lines));
  });
};
