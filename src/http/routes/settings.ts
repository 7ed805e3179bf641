import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { identitySettingsFor } from "../../domain/chat/identity.ts";
import type { AppDeps } from "../../deps.ts";
import { identitySettings } from "../../protocol/identity.ts";
import { currentAgent, requireAdmin } from "../authenticate.ts";

/** Install-wide settings only admins may see. */
export const settingsRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  app.addHook("preHandler", requireAdmin(domain));

  // The secret a site signs its signed-in users' ids with (see domain/chat/identity.ts).
  app.get("/identity", { schema: { response: { 200: identitySettings } } }, (request) => identitySettingsFor(domain, currentAgent(request).actor));
};
