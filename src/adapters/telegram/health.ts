import type { Bot } from "grammy";
import type { Logger } from "pino";
import type { Metrics } from "../../metrics.ts";

/** How this process last found Telegram: `unknown` until its first call. */
export type TelegramState = "ok" | "unavailable" | "unknown";

export interface TelegramHealth {
  state(): TelegramState;
}

const STATES: TelegramState[] = ["ok", "unavailable", "unknown"];

/**
 * Tracks Telegram's health from the calls the bot makes anyway (long polling, the outbox worker,
 * sign-in codes), so operations can see it without probing: any answer from Telegram other than a
 * 5xx means it is up; a 5xx or a network failure means it is not.
 */
export function trackTelegramHealth(bot: Bot, metrics: Metrics, log: Logger): TelegramHealth {
  let state: TelegramState = "unknown";
  const set = (next: TelegramState, error?: string) => {
    if (next === state) return;
    // One line per change, not per failed call: an outage is logged when it starts and ends.
    if (next === "unavailable") log.warn({ reason: error }, "telegram unavailable");
    else if (state === "unavailable") log.info("telegram reachable again");
    state = next;
    for (const s of STATES) metrics.telegramState.set({ state: s }, s === next ? 1 : 0);
  };
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
  return { state: () => state };
}
