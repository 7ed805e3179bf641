import { agentStatuses, setAgentStatusRow } from "../../adapters/db/repositories/assignment.ts";
import type { AgentStatus, AgentStatusView } from "../../protocol/agentStatus.ts";
import type { DomainDeps } from "../ports.ts";

/**
 * An agent chooses online, away or offline. Available for assignment and calls means "online" with
 * a console connected (`connected`); an agent working only from Telegram is never auto-assigned
 * (they are alerted in Telegram as before, and take conversations by replying).
 */
export async function setAgentStatus(deps: DomainDeps, agentId: string, status: AgentStatus, connected: boolean): Promise<AgentStatusView> {
  await setAgentStatusRow(deps.db, agentId, status, deps.clock.now());
  return { agentId, status, available: status === "online" && connected };
}

/** Every enabled agent's status and availability, given who has a console open. */
export async function teamStatuses(deps: DomainDeps, connected: ReadonlySet<string>): Promise<AgentStatusView[]> {
  return (await agentStatuses(deps.db)).map((a) => ({ agentId: a.id, status: a.status, available: a.status === "online" && connected.has(a.id) }));
}

/** Of the agents with a console open (`connected`), those who chose "online" (and are enabled): the available ones. */
export async function availableAgents(deps: DomainDeps, connected: readonly string[]): Promise<string[]> {
  if (connected.length === 0) return [];
  const rows = await deps.db
    .selectFrom("agents")
    .select("id")
    .where("status", "=", "online")
    .where("disabled_at", "is", null)
    .where("id", "in", [...connected])
    .execute();
  return rows.map((r) => r.id);
}
