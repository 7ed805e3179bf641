import { candidateAgents } from "../../adapters/db/repositories/assignment.ts";
import type { DomainDeps } from "../ports.ts";

/**
 * Who a waiting call rings first: the members of its inbox who chose "online" and have a console
 * open (`connected`). Null when none of them is available: then it rings everyone, every console
 * and Telegram, as before, so no call is lost. Recomputed each time the queue is announced, so a
 * member who comes online while it rings hears it, and everyone does once the last one leaves.
 */
export async function ringTargets(deps: DomainDeps, inboxId: string, connected: readonly string[] | undefined): Promise<string[] | null> {
  if (!connected) return null;
  const members = await candidateAgents(deps.db, inboxId, connected);
  return members.length > 0 ? members.sort() : null;
}
