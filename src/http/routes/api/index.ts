import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { AppDeps } from "../../../deps.ts";
import { auditApiWrites, requireApiToken } from "../../apiAuth.ts";
import { apiConversationRoutes } from "./conversations.ts";
import { apiCallRoutes, apiCannedReplyRoutes, apiContactRoutes } from "./directory.ts";

/** The public REST API, version 1: Bearer API tokens with scopes, described at /api/openapi.json. */
export const apiV1Routes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  // After validation, as every route of the app: malformed input is a 400 whoever sends it (the
  // schemas are public in the OpenAPI document anyway), and a valid request then needs its token.
  app.addHook("preHandler", requireApiToken(deps.domain));
  app.addHook("onResponse", auditApiWrites(deps.domain));
  await app.register(apiConversationRoutes, { ...deps, prefix: "/conversations" });
  await app.register(apiContactRoutes, { ...deps, prefix: "/contacts" });
  await app.register(apiCallRoutes, { ...deps, prefix: "/calls" });
  await app.register(apiCannedReplyRoutes, { ...deps, prefix: "/canned-replies" });
};
