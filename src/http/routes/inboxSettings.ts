import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppDeps } from "../../deps.ts";
import { inboxSettingsFor, saveInboxSettings } from "../../domain/settings/inboxSettingsAdmin.ts";
import { inboxSettings } from "../../protocol/inboxes.ts";
import { inboxSettingsView } from "../../protocol/settings.ts";
import { currentAgent, requireAdmin } from "../authenticate.ts";

const params = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be an inbox id") });

/** An inbox's own settings (admins): its widget look, hours, calls, assignment and Telegram chat. */
export const inboxSettingsRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  app.addHook("preHandler", requireAdmin(domain));

  app.get("/api/inboxes/:id/settings", {
    schema: { params, response: { 200: inboxSettingsView } },
  }, (request) => inboxSettingsFor(domain, currentAgent(request).actor, request.params.id));

  // The whole document: what the console's form sends back, every section included.
  app.put("/api/inboxes/:id/settings", {
    // Strict: an unknown key is a typo or a stale client, refused rather than silently dropped.
    schema: { params, body: inboxSettings.strict(), response: { 200: inboxSettingsView } },
  }, (request) => saveInboxSettings(domain, currentAgent(request).actor, request.params.id, request.body));
};
