import type { Db } from "../../adapters/db/database.ts";
import { callCount, countCallIfUnder, uncountCall } from "../../adapters/db/repositories/calls.ts";

export interface CallLimits {
  /** Calls the whole team takes per day. */
  daily: number;
  /** Calls one visitor may place per day. */
  perVisitor: number;
  /** Calls one agent may take per day; null for no limit. */
  perAgent: number | null;
  /** Days start at midnight here. */
  timezone: string;
}

/** The calendar day of `ms` in the configured time zone, as YYYY-MM-DD. */
export function localDay(ms: number, timezone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: timezone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(ms));
}

export const TEAM_SCOPE = "team";
export const visitorScope = (id: string) => `visitor:${id}`;
export const agentScope = (id: string) => `agent:${id}`;

export { countCallIfUnder, uncountCall };

/** "7 of 10 calls today", for the console. */
export async function callUsage(db: Db, limits: CallLimits, now: number): Promise<{ used: number; limit: number; day: string }> {
  const day = localDay(now, limits.timezone);
  return { used: await callCount(db, TEAM_SCOPE, day), limit: limits.daily, day };
}
