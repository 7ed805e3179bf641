import { findCall } from "../adapters/db/repositories/calls.ts";
import { forbidden } from "../domain/errors.ts";
import type { DomainDeps } from "../domain/ports.ts";
import { type Participant, rejoinCall } from "../domain/calls/rejoin.ts";
import type { CallView, Signal } from "../protocol/calls.ts";

export interface SignalTargets {
  toVisitor(visitorId: string, callId: string, signal: Signal): void;
  toAgent(agentId: string, callId: string, signal: Signal): void;
  /** Tells a participant, on whichever node their sockets are, that the other one came back with a fresh connection. */
  peerRejoining(to: Participant, callId: string): void;
}

/**
 * A participant came back into a live call with a fresh connection: the other one is told, before
 * this is acknowledged, so anything the rejoining side sends after the acknowledgement reaches them after the news.
 */
export async function announceRejoin(deps: DomainDeps, targets: SignalTargets, who: Participant, callId: string): Promise<{ call: CallView }> {
  const { call, other } = await rejoinCall(deps, who, callId);
  targets.peerRejoining(other, callId);
  return { call };
}

/**
 * Relays one signaling message to the other participant of a live call, and only there: the
 * sender must be that call's visitor or its agent, checked here on the server, so no third party
 * can inject into or listen to a call's negotiation.
 */
export async function relaySignal(
  deps: DomainDeps,
  targets: SignalTargets,
  from: { visitorId: string } | { agentId: string },
  callId: string,
  signal: Signal,
): Promise<{ relayed: true }> {
  const call = await findCall(deps.db, callId);
  const refused = () => forbidden("not_in_call", "You are not in this call.");
  if (call?.status !== "active" || !call.agent_id) throw refused();
  if ("visitorId" in from) {
    if (from.visitorId !== call.visitor_id) throw refused();
    targets.toAgent(call.agent_id, callId, signal);
  } else {
    if (from.agentId !== call.agent_id) throw refused();
    targets.toVisitor(call.visitor_id, callId, signal);
  }
  return { relayed: true };
}
