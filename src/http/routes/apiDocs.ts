import type { FastifyPluginAsync } from "fastify";
import { API_DOCS_CSS, type OpenApiDocument, renderApiDocs } from "../apiDocsPage.ts";

/**
 * The OpenAPI document and a readable page of it. The page is rendered on the server from the same
 * document, with a stylesheet of its own: no script, no CDN, so it works offline under the site's CSP.
 */
export const apiDocsRoutes: FastifyPluginAsync = async (app) => {
  app.get("/api/openapi.json", { schema: { hide: true } }, async (_request, reply) => reply.header("cache-control", "no-cache").send(app.swagger()));
  app.get("/api/docs", { schema: { hide: true } }, async (_request, reply) =>
    reply.type("text/html; charset=utf-8").header("cache-control", "no-cache").send(renderApiDocs(app.swagger() as unknown as OpenApiDocument)),
  );
  app.get("/api/docs.css", { schema: { hide: true } }, async (_request, reply) => reply.type("text/css; charset=utf-8").header("cache-control", "public, max-age=3600").send(API_DOCS_CSS));
};
