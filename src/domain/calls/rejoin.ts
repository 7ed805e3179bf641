import { activeCallsOfAgent, findCall, liveCallOf } from "../../adapters/db/repositories/calls.ts";
import type { CallResume, CallView } from "../../protocol/calls.ts";
import { conflict, forbidden, notFound } from "../errors.ts";
import type { DomainDeps } from "../ports.ts";
import { liveIceServers, presentCall, ringingIceServers } from "./callService.ts";
import { callQueue } from "./calls.ts";

// Coming back into a call: a reloaded console or widget, or a socket that reconnected after a
// network drop. The server keeps a live call for CALL_REJOIN_WINDOW_S after a participant's last
// socket closes (see realtime/departures.ts); within that window the participant finds it here.

export type Participant = { visitorId: string } | { agentId: string };

/** The participant's own call: a visitor's waiting or live one, an agent's live one; with fresh ICE servers. */
export async function resumeCall(deps: DomainDeps, who: Participant): Promise<CallResume> {
  const row = "visitorId" in who ? await liveCallOf(deps.db, who.visitorId) : (await activeCallsOfAgent(deps.db, who.agentId))[0];
  if (!row) return { call: null, position: null, iceServers: [] };
  if (row.status === "queued") {
    const position = (await callQueue(deps)).find((q) => q.call.id === row.id)?.position ?? null;
    return { call: await presentCall(deps, row), position, iceServers: await ringingIceServers(deps, row) };
  }
  return { call: await presentCall(deps, row), position: null, iceServers: liveIceServers(deps, row.id) };
}

/**
 * A participant of a live call has a fresh connection for it: returns the call and who to tell.
 * Only the call's caller and its agent may, and only while it is live.
 */
export async function rejoinCall(deps: DomainDeps, who: Participant, callId: string): Promise<{ call: CallView; other: Participant }> {
  const row = await findCall(deps.db, callId);
  if (!row) throw notFound("call_not_found", "No such call.");
  const isCaller = "visitorId" in who && who.visitorId === row.visitor_id;
  const isAgent = "agentId" in who && row.agent_id !== null && who.agentId === row.agent_id;
  if (!isCaller && !isAgent) throw forbidden("not_in_call", "You are not in this call.");
  if (row.status !== "active" || !row.agent_id) throw conflict("call_not_live", "This call is not live.");
  const other: Participant = isCaller ? { agentId: row.agent_id } : { visitorId: row.visitor_id };
  return { call: await presentCall(deps, row), other };
}
