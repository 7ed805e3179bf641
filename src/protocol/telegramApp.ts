import { z } from "zod";

/** What the Telegram Mini App's sign-in (`POST /api/telegram/app/session`) answers. */
export const telegramAppSession = z.object({
  accessToken: z.string(),
  expiresIn: z.number(),
  agent: z.object({ id: z.string(), name: z.string() }),
  /** The `startapp` parameter of a direct Mini App link (the call's id), when opened from one. */
  startParam: z.string().nullable(),
  /** The call's short-lived "Accept in browser" link, for when this WebView cannot capture or connect. */
  browserLink: z.string().nullable(),
});
export type TelegramAppSession = z.infer<typeof telegramAppSession>;
