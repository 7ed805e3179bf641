import { z } from "zod";

/** What this server can offer, told to the console so it never offers a dead end (e.g. Telegram without a bot). */
export const serverFeatures = z.object({
  /** A Telegram bot is configured (TELEGRAM_BOT_TOKEN): codes, linking and notifications work. */
  telegram: z.boolean(),
});
export type ServerFeatures = z.infer<typeof serverFeatures>;
