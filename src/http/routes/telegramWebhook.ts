import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Update } from "grammy/types";
import { z } from "zod";
import { constantTimeEqual } from "../../domain/auth/secrets.ts";
import { unauthorized } from "../../domain/errors.ts";
import type { AppDeps } from "../../deps.ts";

// Telegram's updates are small (a 4096-character message with its entities is a few kB).
const UPDATE_BODY_LIMIT = 256 * 1024;

/** Webhook mode (TELEGRAM_WEBHOOK_URL): Telegram posts updates here with the secret token header. */
export const telegramWebhookRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { telegram }) => {
  const secret = telegram?.webhookSecret;
  if (!telegram || !secret) return;
  app.post("/telegram/webhook", {
    config: { rateLimit: false },
    bodyLimit: UPDATE_BODY_LIMIT,
    // The secret is checked before the body is read: a stranger's request costs no parsing.
    onRequest: async (request) => {
      const given = request.headers["x-telegram-bot-api-secret-token"];
      if (typeof given !== "string" || !constantTimeEqual(given, secret)) {
        throw unauthorized("webhook_secret_invalid", "Wrong or missing X-Telegram-Bot-Api-Secret-Token.");
      }
    },
    schema: { body: z.looseObject({ update_id: z.number().int().nonnegative() }) },
  }, async (request, reply) => {
    await telegram.handleUpdate(request.body as unknown as Update);
    return reply.code(200).send({ ok: true });
  });
};
