import { localMidnight } from "../inboxes/businessHours.ts";

/**
 * Retention counts calendar days in the install's time zone (TIMEZONE): something from local day D
 * (resolved, uploaded, recorded) kept N days goes on day D+N from its local midnight. So it is due
 * when it happened before the midnight that starts day today-N+1; that instant is returned.
 */
export function retentionCutoff(now: number, days: number, timeZone: string): number {
  return localMidnight(now, timeZone, 1 - days);
}
