import type { Bot } from "grammy";
import type { Metrics } from "../../metrics.ts";

/** How this process last found Telegram: `unknown` until its first call. */
export type TelegramState = "ok" | "unavailable" | "unknown";

export interface TelegramHealth {
  state(): TelegramState;
  /** When the state last changed (epoch ms), and why it turned unavailable. */
  details(): { state: TelegramState; since: number; lastError: string | undefined };
}

const STATES: TelegramState[] = ["ok", "unavailable", "unknown"];

/**
 * Tracks Telegram's health from the calls the bot makes anyway (long polling, the outbox worker,
 * sign-in codes), so operations can see it without probing: any answer from Telegram other than a
 * 5xx means it is up; a 5xx or a network failure means it is not.
 */
export function trackTelegramHealth(bot: Bot, metrics: Metrics, now: () => number = Date.now): TelegramHealth {
  let state: TelegramState = "unknown";
  let since = now();
  let lastError: string | undefined;
  const set = (next: TelegramState, error?: string) => {
    if (error !== undefined) lastError = error;
    if (next === state) return;
    state = next;
    since = now();
    for (const s of STATES) metrics.telegramState.set({ state: s }, s === next ? 1 : 0);
  };
  set("unknown");
  metrics.telegramState.set({ state: "unknown" }, 1);
  bot.api.config.use(async (prev, method, payload, signal) => {
    try {
      const result = await prev(method, payload, signal);
      if (result.ok || result.error_code < 500) set("ok");
      else set("unavailable", `${method}: ${result.description}`);
      return result;
    } catch (error) {
      // Our own abort (a lost lease, a stop) says nothing about Telegram.
      if (!signal?.aborted) set("unavailable", `${method}: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  });
  return { state: () => state, details: () => ({ state, since, lastError }) };
}
