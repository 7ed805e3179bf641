import { type AgentRow, findAgentById, listAgents } from "../../adapters/db/repositories/agents.ts";
import { activeCallsOfAgent, type CallListRow, type CallRow, findCall, liveCallOf } from "../../adapters/db/repositories/calls.ts";
import { findVisitor, type VisitorRow } from "../../adapters/db/repositories/chat.ts";
import { enqueueOutbox } from "../../adapters/db/repositories/outbox.ts";
import type { CallStart, CallsState, CallView } from "../../protocol/calls.ts";
import { visitorLabel } from "../chat/telegramBridge.ts";
import type { DomainDeps } from "../ports.ts";
import { callQueue, claimCall, expireUnansweredCalls, hangUp, placeCall, rejectCall } from "./calls.ts";
import { iceServersFor } from "./ice.ts";
import { callUsage } from "./limits.ts";

// Calls as the transports use them: the state changes of calls.ts, presented, published to the
// sockets and announced to Telegram.

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A call as the sockets and the console show it, from a row that carries the names. */
export function callViewOf(row: CallListRow): CallView {
  return {
    id: row.id,
    status: row.status,
    media: row.media,
    recording: row.recording_mode,
    visitor: { id: row.visitor_id, name: visitorLabel({ id: row.visitor_id, name: row.visitor_name, email: row.visitor_email }) },
    agent: row.agent_id && row.agent_name !== null ? { id: row.agent_id, name: row.agent_name } : null,
    createdAt: new Date(row.created_at).toISOString(),
    answeredAt: iso(row.answered_at),
    endedAt: iso(row.ended_at),
    durationMs: row.duration_ms,
    endReason: row.end_reason,
  };
}

export async function presentCall(deps: DomainDeps, call: CallRow): Promise<CallView> {
  const [visitor, agent] = await Promise.all([findVisitor(deps.db, call.visitor_id), call.agent_id ? findAgentById(deps.db, call.agent_id) : undefined]);
  return callViewOf({ ...call, visitor_name: visitor?.name ?? null, visitor_email: visitor?.email ?? null, agent_name: agent?.name ?? null });
}

export async function callsState(deps: DomainDeps): Promise<CallsState> {
  const queue = await callQueue(deps);
  const usage = await callUsage(deps.db, deps.calls.limits, deps.clock.now());
  return {
    queue: await Promise.all(
      queue.map(async ({ call, position }) => ({
        call: await presentCall(deps, call),
        position,
        iceServers: iceServersFor(deps.calls.iceServers, deps.calls.turnSecret, call.id, deps.clock.now()),
      })),
    ),
    usage: { used: usage.used, limit: usage.limit },
  };
}

/** Every chat to ring in Telegram: the team chat and each enabled agent's linked chat. */
async function callAlertChats(deps: DomainDeps): Promise<string[]> {
  if (!deps.telegram) return [];
  const chats = new Set(deps.telegramAlertChats);
  for (const agent of await listAgents(deps.db)) if (agent.telegram_chat_id && !agent.disabled_at) chats.add(agent.telegram_chat_id);
  return [...chats];
}

/** A visitor presses Call: queued, the team alerted, the caller told their place. */
export async function startCall(deps: DomainDeps, visitor: VisitorRow, media: CallRow["media"]): Promise<CallStart> {
  const chats = await callAlertChats(deps);
  const call = await placeCall(deps, visitor, { media, conversationId: null }, async (trx, created) => {
    for (const chatId of chats) await enqueueOutbox(trx, "telegram.call", { callId: created.id, chatId }, created.created_at);
  });
  deps.events.publish({ type: "calls.changed" });
  const position = (await callQueue(deps)).find((q) => q.call.id === call.id)?.position ?? 1;
  return { call: await presentCall(deps, call), position, iceServers: iceServersFor(deps.calls.iceServers, deps.calls.turnSecret, call.id, deps.clock.now()) };
}

export async function acceptCall(deps: DomainDeps, agent: AgentRow, callId: string) {
  const call = await presentCall(deps, await claimCall(deps, agent, callId));
  deps.events.publish({ type: "call.accepted", call });
  deps.events.publish({ type: "calls.changed" });
  return { call, iceServers: iceServersFor(deps.calls.iceServers, deps.calls.turnSecret, callId, deps.clock.now()) };
}

async function ended(deps: DomainDeps, row: CallRow): Promise<CallView> {
  const call = await presentCall(deps, row);
  deps.events.publish({ type: "call.ended", call });
  deps.events.publish({ type: "calls.changed" });
  return call;
}

export async function declineCall(deps: DomainDeps, agent: AgentRow, callId: string): Promise<CallView> {
  return ended(deps, await rejectCall(deps, agent, callId));
}

export async function hangUpCall(deps: DomainDeps, who: { visitorId?: string; agentId?: string }, callId: string, reason: string): Promise<CallView> {
  const before = await findCall(deps.db, callId);
  const after = await hangUp(deps, who, callId, reason);
  return before?.status === after.status ? presentCall(deps, after) : ended(deps, after);
}

/** Runs every second on every node: each missed call is ended exactly once, by whichever node gets it. */
export async function missUnansweredCalls(deps: DomainDeps): Promise<CallView[]> {
  const missed = await expireUnansweredCalls(deps);
  const views: CallView[] = [];
  for (const row of missed) {
    views.push(await ended(deps, row));
    for (const chatId of await callAlertChats(deps)) await enqueueOutbox(deps.db, "telegram.call_missed", { callId: row.id, chatId }, deps.clock.now());
  }
  return views;
}

/**
 * A participant's every socket closed and none came back within the grace period (tab closed,
 * network gone): their waiting or live call ends, so nobody is left talking to silence.
 */
export async function hangUpAfterDeparture(deps: DomainDeps, who: { visitorId: string } | { agentId: string }): Promise<CallView[]> {
  const calls = "visitorId" in who ? [await liveCallOf(deps.db, who.visitorId)].filter((c) => c !== undefined) : await activeCallsOfAgent(deps.db, who.agentId);
  const reason = "visitorId" in who ? "caller_left" : "agent_left";
  return Promise.all(calls.map((call) => hangUpCall(deps, who, call.id, reason)));
}
