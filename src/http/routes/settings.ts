import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { identitySettingsFor } from "../../domain/chat/identity.ts";
import type { AppDeps } from "../../deps.ts";
import { identitySettings } from "../../protocol/identity.ts";
import { installSettingsPatch, installSettingsView } from "../../protocol/settings.ts";
import { installSettingsFor, saveInstallSettings } from "../../domain/settings/installSettings.ts";
import { currentAgent, requireAdmin } from "../authenticate.ts";

/** Install-wide settings only admins may see. */
export const settingsRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  app.addHook("preHandler", requireAdmin(domain));

  // The secret a site signs its signed-in users' ids with (see domain/chat/identity.ts).
  // Recording, call limits, ring time, pre-chat fields, languages, Telegram team chat: live on every node.
  app.get("/", { schema: { response: { 200: installSettingsView } } }, (request) => installSettingsFor(domain, currentAgent(request).actor));

  app.put("/", {
    schema: { body: installSettingsPatch, response: { 200: installSettingsView } },
  }, (request) => saveInstallSettings(domain, currentAgent(request).actor, request.body));

  app.get("/identity", { schema: { response: { 200: identitySettings } } }, (request) => identitySettingsFor(domain, currentAgent(request).actor));
};
