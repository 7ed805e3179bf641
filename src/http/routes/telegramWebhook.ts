import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Update } from "grammy/types";
import { z } from "zod";
import { constantTimeEqual } from "../../domain/auth/secrets.ts";
import { unauthorized } from "../../domain/errors.ts";
import type { AppDeps } from "../../deps.ts";

/** Webhook mode (TELEGRAM_WEBHOOK_URL): Telegram posts updates here with the secret token header. */
export const telegramWebhookRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { telegram }) => {
  const secret = telegram?.webhookSecret;
  if (!telegram || !secret) return;
  app.post("/telegram/webhook", {
    config: { rateLimit: false },
    schema: { body: z.looseObject({ update_id: z.number().int().nonnegative() }) },
  }, async (request, reply) => {
    const given = request.headers["x-telegram-bot-api-secret-token"];
    if (typeof given !== "string" || !constantTimeEqual(given, secret)) {
      throw unauthorized("webhook_secret_invalid", "Wrong or missing X-Telegram-Bot-Api-Secret-Token.");
    }
    await telegram.handleUpdate(request.body as unknown as Update);
    return reply.code(200).send({ ok: true });
  });
};
