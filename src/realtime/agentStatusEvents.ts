import { findAgentById } from "../adapters/db/repositories/agents.ts";
import type { AgentStatusView } from "../protocol/agentStatus.ts";
import type { AgentNamespace } from "./agentNamespace.ts";
import { AGENTS_ROOM, agentRoom } from "./rooms.ts";

/**
 * Tells every console (on every node) an agent's status and whether they are available, after
 * their console connected or left or they chose a status. Availability needs a console on any node.
 */
export async function announceAgentStatus(nsp: AgentNamespace, db: Parameters<typeof findAgentById>[0], agentId: string): Promise<AgentStatusView | undefined> {
  const [row, sockets] = await Promise.all([findAgentById(db, agentId), nsp.in(agentRoom(agentId)).fetchSockets()]);
  if (!row) return undefined;
  const view: AgentStatusView = { agentId, status: row.status, available: row.status === "online" && sockets.length > 0 };
  nsp.to(AGENTS_ROOM).emit("team:status", view);
  return view;
}
