import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { AppDeps } from "../../deps.ts";
import { buildReport } from "../../domain/reports/reports.ts";
import { report, reportCsvQuery, reportQuery } from "../../protocol/reports.ts";
import { reportCsvName, reportTableRows, toCsv } from "../../protocol/reportTables.ts";
import { currentAgent, requireAgent } from "../authenticate.ts";
import { contentDisposition } from "../blobResponse.ts";

/** Reports for every agent (their inboxes' figures; admins: all): the figures as JSON, and each table as CSV. */
export const reportRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  app.addHook("preHandler", requireAgent(domain));

  app.get("/", { schema: { querystring: reportQuery, response: { 200: report } } }, async (request) => buildReport(domain, currentAgent(request).row, request.query));

  app.get("/csv", { schema: { querystring: reportCsvQuery } }, async (request, reply) => {
    const { table, ...query } = request.query;
    const figures = await buildReport(domain, currentAgent(request).row, query);
    return reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", contentDisposition("attachment", reportCsvName(figures, table)))
      .header("cache-control", "no-store")
      .send(toCsv(reportTableRows(figures, table)));
  });
};
