import { randomUUID } from "node:crypto";
import fastifyCookie from "@fastify/cookie";
import fastifyCsrf from "@fastify/csrf-protection";
import fastifyHelmet from "@fastify/helmet";
import fastifyMultipart from "@fastify/multipart";
import fastifyRateLimit from "@fastify/rate-limit";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import type { AppDeps } from "./deps.ts";
import { trustFunction } from "./http/clientAddress.ts";
import { frameworkError, registerErrorHandling } from "./http/errors.ts";
import { agentRoutes } from "./http/routes/agents.ts";
import { auditRoutes } from "./http/routes/audit.ts";
import { accessLogRoutes } from "./http/routes/accessLog.ts";
import { authRoutes } from "./http/routes/auth.ts";
import { callHistoryRoutes, recordingRoutes } from "./http/routes/calls.ts";
import { cannedReplyRoutes } from "./http/routes/cannedReplies.ts";
import { contactRoutes } from "./http/routes/contacts.ts";
import { labelRoutes } from "./http/routes/labels.ts";
import { reportRoutes } from "./http/routes/reports.ts";
import { callbackRoutes, widgetCallbackRoutes } from "./http/routes/callbacks.ts";
import { inboxHoursRoutes } from "./http/routes/inboxHours.ts";
import { inboxRoutes } from "./http/routes/inboxes.ts";
import { conversationRoutes } from "./http/routes/conversations.ts";
import { fileRoutes } from "./http/routes/files.ts";
import { teamRoutes } from "./http/routes/team.ts";
import { settingsRoutes } from "./http/routes/settings.ts";
import { inboxSettingsRoutes } from "./http/routes/inboxSettings.ts";
import { telegramWebhookRoutes } from "./http/routes/telegramWebhook.ts";
import { telegramAppRoutes } from "./http/routes/telegramApp.ts";
import { sitePageRoutes } from "./http/routes/sitePages.ts";
import { widgetRoutes } from "./http/routes/widget.ts";
import { consoleRoutes } from "./http/routes/console.ts";
import { meRoutes } from "./http/routes/me.ts";
import { pushRoutes } from "./http/routes/push.ts";
import { operationsRoutes } from "./http/routes/operations.ts";
import { setupRoutes } from "./http/routes/setup.ts";
import { apiV1Routes } from "./http/routes/api/index.ts";
import { apiDocsRoutes } from "./http/routes/apiDocs.ts";
import { apiTokenRoutes } from "./http/routes/apiTokens.ts";
import { API_V1, registerOpenApi } from "./http/openapi.ts";
import { webhookRoutes } from "./http/routes/webhooks.ts";
import { createGateway, type Gateway } from "./realtime/gateway.ts";
import { warnTeamWhenStorageIsFull } from "./adapters/storage/uploadJobs.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /** The route takes multipart/form-data, read and checked by the handler instead of a body schema. */
    multipart?: boolean;
  }
  interface FastifyInstance {
    io: Gateway;
    /** Every route with the parts of the request it validates; tests walk it. */
    routeCatalog: RouteSummary[];
  }
}

export interface RouteSummary {
  method: string;
  url: string;
  validates: Array<"body" | "params" | "querystring">;
}

const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

const REQUEST_ID = /^[\w.-]{1,64}$/;

/** Builds the whole server without listening: tests drive it with inject() or listen on port 0. */
export async function buildApp(deps: AppDeps, options: { consoleRoot?: string } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    // The same rule as the socket handshakes: only configured proxies' X-Forwarded-For hops count.
    trustProxy: trustFunction(deps.config.trustProxy),
    // Honour an upstream request id when it is well-formed, so logs join up across proxies.
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    },
    bodyLimit: 1024 * 1024,
    forceCloseConnections: "idle",
    return503OnClosing: true,
    frameworkErrors: frameworkError,
  }).withTypeProvider<ZodTypeProvider>();

  // Every input has a schema: a route that takes a body without one fails at start-up, not in production.
  const routeCatalog: RouteSummary[] = [];
  app.decorate("routeCatalog", routeCatalog);
  app.addHook("onRoute", (route) => {
    const methods = [route.method].flat();
    const validates = (["body", "params", "querystring"] as const).filter((part) => route.schema?.[part] !== undefined);
    const multipart = route.config?.multipart === true;
    if (methods.some((m) => BODY_METHODS.has(m)) && !validates.includes("body") && !multipart) {
      throw new Error(`${methods.join(",")} ${route.url} has no body schema`);
    }
    if (route.url.includes(":") && !validates.includes("params")) throw new Error(`${route.url} has no params schema`);
    for (const method of methods) routeCatalog.push({ method, url: route.url, validates });
  });

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);

  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });
  // While shutting down, answers close their connection, so keep-alive clients do not hold the
  // process open past its in-flight requests.
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  app.addHook("onSend", async (_request, reply) => {
    if (closing) reply.header("connection", "close");
  });
  app.addHook("onResponse", async (request, reply) => {
    deps.metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? "unmatched", status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:", "blob:"],
        mediaSrc: ["'self'", "blob:"],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    strictTransportSecurity: deps.config.secureCookies,
  });
  await app.register(fastifyCookie);
  await app.register(fastifyCsrf, {
    sessionPlugin: "@fastify/cookie",
    cookieKey: "destek_csrf",
    cookieOpts: { path: "/", sameSite: "strict", httpOnly: true, secure: deps.config.secureCookies, signed: false },
    getToken: (request) => {
      const token = request.headers["x-csrf-token"];
      return typeof token === "string" ? token : undefined;
    },
  });
  await app.register(fastifyRateLimit, {
    global: true,
    max: deps.config.rateLimitPerMinute,
    timeWindow: "1 minute",
    // While Redis is away the coarse per-address HTTP limit is skipped (fail open); the limits that
    // guard sign-in, codes and sends fall back to per-node counters (see withLocalFallback).
    ...(deps.redis ? { redis: deps.redis, nameSpace: "destek:http-limit:", skipOnError: true } : {}),
    errorResponseBuilder: (_request, context) => {
      const error = new Error(`Too many requests. Try again in ${context.after}.`) as Error & { statusCode: number; code: string };
      error.statusCode = 429;
      error.code = "FST_ERR_RATE_LIMIT";
      return error;
    },
  });

  // The gateway first: HTTP routes ask it who is online.
  const gateway = createGateway(app.server, deps);
  app.decorate("io", gateway.io);
  // Before the HTTP server waits for its connections: open sockets would hold it until the grace
  // period ran out.
  app.addHook("preClose", () => gateway.close());
  // Event wiring, not a timer: the team hears once when attachment storage reaches its quota.
  const stopStorageWarnings = warnTeamWhenStorageIsFull(deps);
  app.addHook("onClose", async () => stopStorageWarnings());

  await app.register(fastifyMultipart, { limits: { fileSize: deps.config.uploadMaxBytes, files: 1 } });
  // Before every route: it collects their schemas into the OpenAPI document.
  await registerOpenApi(app, deps.domain.publicUrl);
  await app.register(operationsRoutes, deps);
  await app.register(setupRoutes, { ...deps, prefix: "/api/setup" });
  await app.register(authRoutes, { ...deps, prefix: "/api/auth" });
  await app.register(meRoutes, { ...deps, prefix: "/api/me" });
  await app.register(pushRoutes, { ...deps, prefix: "/api/me/push-subscriptions" });
  await app.register(agentRoutes, { ...deps, prefix: "/api/agents" });
  await app.register(teamRoutes, { ...deps, prefix: "/api/team" });
  await app.register(auditRoutes, { ...deps, prefix: "/api/audit" });
  await app.register(accessLogRoutes, { ...deps, prefix: "/api/access-log" });
  await app.register(cannedReplyRoutes, { ...deps, prefix: "/api/canned-replies" });
  await app.register(contactRoutes, { ...deps, prefix: "/api/contacts" });
  await app.register(inboxRoutes, { ...deps, prefix: "/api/inboxes" });
  await app.register(settingsRoutes, { ...deps, prefix: "/api/settings" });
  await app.register(inboxSettingsRoutes, deps);
  await app.register(conversationRoutes, { ...deps, prefix: "/api/conversations" });
  await app.register(labelRoutes, { ...deps, prefix: "/api/labels" });
  await app.register(webhookRoutes, { ...deps, prefix: "/api/webhooks" });
  await app.register(fileRoutes, { ...deps, prefix: "/files" });
  await app.register(callHistoryRoutes, { ...deps, prefix: "/api/calls" });
  await app.register(recordingRoutes, { ...deps, prefix: "/recordings" });
  await app.register(widgetRoutes, deps);
  await app.register(widgetCallbackRoutes, deps);
  await app.register(callbackRoutes, { ...deps, prefix: "/api/callbacks" });
  await app.register(reportRoutes, { ...deps, prefix: "/api/reports" });
  await app.register(inboxHoursRoutes, { ...deps, prefix: "/api/inboxes" });
  await app.register(telegramWebhookRoutes, deps);
  await app.register(telegramAppRoutes, { ...deps, ...(options.consoleRoot ? { consoleRoot: options.consoleRoot } : {}) });
  await app.register(apiTokenRoutes, { ...deps, prefix: "/api/api-tokens" });
  await app.register(apiV1Routes, { ...deps, prefix: API_V1 });
  await app.register(apiDocsRoutes);
  await app.register(consoleRoutes, { prefix: "/console", ...(options.consoleRoot ? { root: options.consoleRoot } : {}) });
  app.get("/", async (_request, reply) => reply.redirect("/console/", 302));
  await app.register(sitePageRoutes);

  return app;
}
