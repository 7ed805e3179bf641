import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { consolePathOfCallLink, signInFromTelegramApp } from "../../domain/calls/telegramMiniApp.ts";
import { unavailable } from "../../domain/errors.ts";
import type { AppDeps } from "../../deps.ts";
import { telegramAppSession } from "../../protocol/telegramApp.ts";
import { sendError } from "../errors.ts";
import { CONSOLE_DIR } from "./console.ts";

/** The Mini App page in the console build (web/console/telegram.html). */
const PAGE = "telegram.html";

/**
 * Calls answered inside Telegram: the Mini App page, its sign-in with Telegram's `initData`, and the
 * short-lived "Accept in browser" link of a call alert.
 */
export const telegramAppRoutes: FastifyPluginAsyncZod<AppDeps & { consoleRoot?: string }> = async (app, deps) => {
  const root = deps.consoleRoot ?? CONSOLE_DIR;

  app.get("/telegram/app", async (_request, reply) => {
    const html = await readFile(join(root, PAGE), "utf8").catch(() => undefined);
    if (html === undefined) return sendError(reply, 503, "console_not_built", "The console is not built. Run `npm run build`.");
    // Telegram Web shows Mini Apps in a frame of web.telegram.org; the apps on phones and desktops in a WebView.
    reply.removeHeader("x-frame-options");
    const csp = String(reply.getHeader("content-security-policy") ?? "").replace("frame-ancestors 'none'", "frame-ancestors https://web.telegram.org");
    reply.header("content-security-policy", csp);
    return reply.header("cache-control", "no-cache").type("text/html; charset=utf-8").send(html);
  });

  app.post("/api/telegram/app/session", {
    config: { rateLimit: { max: deps.config.authRateLimitPerMinute, timeWindow: "1 minute" } },
    schema: {
      body: z.object({ initData: z.string().min(1).max(4096), callId: z.uuid().optional() }),
      response: { 200: telegramAppSession },
    },
  }, async (request) => {
    const botToken = deps.config.telegram?.token;
    if (!botToken) throw unavailable("telegram_off", "Telegram is not configured on this server.");
    return signInFromTelegramApp(deps.domain, {
      initData: request.body.initData,
      callId: request.body.callId,
      botToken,
      ip: request.ip,
      userAgent: request.headers["user-agent"] ?? null,
    });
  });

  app.get("/telegram/call/:callId", {
    schema: {
      params: z.object({ callId: z.uuid() }),
      querystring: z.object({ exp: z.coerce.number().int().positive(), sig: z.string().min(1).max(100) }),
    },
  }, async (request, reply) => {
    const path = consolePathOfCallLink(deps.domain, { id: request.params.callId, expires: request.query.exp, signature: request.query.sig });
    return reply.redirect(path, 302);
  });
};
