import type { AgentRow } from "../../adapters/db/repositories/agents.ts";
import { findCall } from "../../adapters/db/repositories/calls.ts";
import type { CallOpened } from "../../protocol/calls.ts";
import { notFound } from "../errors.ts";
import type { DomainDeps } from "../ports.ts";
import { liveIceServers, presentCall } from "./callService.ts";
import { callQueue } from "./calls.ts";

/**
 * The console opened at one call (a desktop notification, or the link the bot sends after Accept in
 * Telegram): where the call stands, its place while it waits, and, when it is this agent's live
 * call, the ICE servers to connect it with. Only the call's own agent gets those,
 * freshly issued each time (a reconnecting console renews its TURN credential this way).
 */
export async function openCallForAgent(deps: DomainDeps, agent: AgentRow, callId: string): Promise<CallOpened> {
  const row = await findCall(deps.db, callId);
  if (!row) throw notFound("call_not_found", "No such call.");
  const call = await presentCall(deps, row);
  const position = row.status === "queued" ? ((await callQueue(deps)).find((q) => q.call.id === row.id)?.position ?? null) : null;
  const mine = row.status === "active" && row.agent_id === agent.id;
  return { call, position, iceServers: mine ? liveIceServers(deps, row.id) : null };
}
