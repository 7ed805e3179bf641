import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { sendError } from "../errors.ts";

export const CONSOLE_DIR = resolve(import.meta.dirname, "../../../dist/web/console");

/** Serves the built console (a single-page app) at /console/, with index.html for its client routes. */
export const consoleRoutes: FastifyPluginAsync<{ root?: string }> = async (app, options) => {
  const root = options.root ?? CONSOLE_DIR;
  if (!existsSync(join(root, "index.html"))) {
    const notBuilt = async (_request: FastifyRequest, reply: FastifyReply) =>
      sendError(reply, 503, "console_not_built", "The console is not built. Run `npm run build`.");
    app.get("/", notBuilt);
    app.get("/*", notBuilt);
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: "/",
    index: false,
    wildcard: false,
    cacheControl: false,
    // Hashed build assets never change; everything else (index.html, favicon) is revalidated.
    setHeaders: (res, path) => {
      res.setHeader("cache-control", /[\\/]assets[\\/]/.test(path) ? "public, max-age=31536000, immutable" : "no-cache");
    },
  });
  const sendIndex = async (request: FastifyRequest, reply: FastifyReply) => {
    // A missing asset is a 404, not the app page: only extension-less paths are client routes.
    if (/\.[a-z0-9]+$/i.test(request.url.split("?")[0] ?? "")) return sendError(reply, 404, "not_found", "No such file.");
    return reply.header("cache-control", "no-cache").sendFile("index.html", root, { maxAge: 0, immutable: false });
  };
  app.get("/", sendIndex);
  app.get("/*", sendIndex);
};
