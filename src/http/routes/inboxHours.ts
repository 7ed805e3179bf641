import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { inboxHours, saveInboxHours } from "../../domain/inboxes/inboxHours.ts";
import type { AppDeps } from "../../deps.ts";
import { inboxHoursResponse } from "../../protocol/callbacks.ts";
import { businessHours } from "../../protocol/inboxes.ts";
import { text } from "../../protocol/text.ts";
import { currentAgent, requireAdmin } from "../authenticate.ts";

const params = z.object({ id: text().min(1).max(64) });
// Every field has a default, so unknown keys are refused: a misspelt field is an error, not a reset.
const hoursBody = businessHours.strict();

/** GET/PUT /api/inboxes/:id/hours: an inbox's business hours, for admins. */
export const inboxHoursRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { domain }) => {
  app.addHook("preHandler", requireAdmin(domain));

  app.get("/:id/hours", {
    schema: { params, response: { 200: inboxHoursResponse } },
  }, async (request) => inboxHours(domain, request.params.id));

  app.put("/:id/hours", {
    schema: { params, body: hoursBody, response: { 200: inboxHoursResponse } },
  }, async (request) => saveInboxHours(domain, currentAgent(request).actor, request.params.id, request.body, request.ip));
};
