import { type AgentRow, findAgentById, listAgents } from "../../adapters/db/repositories/agents.ts";
import { activeCallsOfAgent, type CallListRow, type CallRow, findCall, liveCallOf } from "../../adapters/db/repositories/calls.ts";
import { findVisitor, latestConversationOf, type VisitorRow } from "../../adapters/db/repositories/chat.ts";
import { enqueueOutbox } from "../../adapters/db/repositories/outbox.ts";
import { queueCallPush } from "../push/pushNotifications.ts";
import { anyPushDevice } from "../../adapters/db/repositories/push.ts";
import type { CallStart, CallsState, CallView, IceServer, RecordingConsent } from "../../protocol/calls.ts";
import { visitorLabel } from "../chat/visitorLabel.ts";
import { inboxTeamChats } from "../chat/alertChats.ts";
import { conflict, forbidden, notFound } from "../errors.ts";
import type { DomainDeps } from "../ports.ts";
import { DEFAULT_INBOX_ID } from "../../protocol/inboxes.ts";
import { callQueue, claimCall, currentCallSettings, expireUnansweredCalls, hangUp, placeCall, rejectCall, ringTimeoutMsOf } from "./calls.ts";
import { iceServersFor, LIVE_TURN_TTL_S, RINGING_TURN_MARGIN_S, stunServers } from "./ice.ts";
import { callUsage } from "./limits.ts";
import { ringTargets } from "./ringTargets.ts";

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
    inboxId: row.inbox_id,
    visitor: { id: row.visitor_id, name: visitorLabel({ id: row.visitor_id, name: row.visitor_name, email: row.visitor_email }) },
    agent: row.agent_id && row.agent_name !== null ? { id: row.agent_id, name: row.agent_name } : null,
    createdAt: new Date(row.created_at).toISOString(),
    answeredAt: iso(row.answered_at),
    endedAt: iso(row.ended_at),
    durationMs: row.duration_ms,
    endReason: row.end_reason,
    consent:
      row.consent_mode && row.consent_at !== null && row.consent_version
        ? { mode: row.consent_mode, at: new Date(row.consent_at).toISOString(), version: row.consent_version }
        : null,
  };
}

/** ICE servers for a participant of a live call: TURN credentials long enough to connect, renewed on `call:open`. */
export function liveIceServers(deps: DomainDeps, callId: string): IceServer[] {
  return iceServersFor(deps.calls.iceServers, deps.calls.turnSecret, callId, deps.clock.now(), LIVE_TURN_TTL_S);
}

/** ICE servers for the caller of a waiting call: TURN credentials that expire soon after the ringing would. */
export async function ringingIceServers(deps: DomainDeps, call: Pick<CallRow, "id" | "inbox_id">): Promise<IceServer[]> {
  const ttlS = Math.ceil((await ringTimeoutMsOf(deps, call.inbox_id)) / 1000) + RINGING_TURN_MARGIN_S;
  return iceServersFor(deps.calls.iceServers, deps.calls.turnSecret, call.id, deps.clock.now(), ttlS);
}

export async function presentCall(deps: DomainDeps, call: CallRow): Promise<CallView> {
  const [visitor, agent] = await Promise.all([findVisitor(deps.db, call.visitor_id), call.agent_id ? findAgentById(deps.db, call.agent_id) : undefined]);
  return callViewOf({ ...call, visitor_name: visitor?.name ?? null, visitor_email: visitor?.email ?? null, agent_name: agent?.name ?? null });
}

/** The queue and today's usage; with `connected` (agents with a console open), whom each call rings first. */
export async function callsState(deps: DomainDeps, connected?: readonly string[]): Promise<CallsState> {
  const queue = await callQueue(deps);
  const usage = await callUsage(deps.db, (await currentCallSettings(deps)).limits, deps.clock.now());
  return {
    queue: await Promise.all(
      queue.map(async ({ call, position }) => ({
        call: await presentCall(deps, call),
        position,
        iceServers: stunServers(deps.calls.iceServers),
        ringAgentIds: await ringTargets(deps, call.inbox_id, connected),
      })),
    ),
    usage: { used: usage.used, limit: usage.limit },
  };
}

/** Every chat to ring in Telegram: the inbox's team chat (see alertChats.ts) and each enabled agent's linked chat. */
async function callAlertChats(deps: DomainDeps, inboxId: string = DEFAULT_INBOX_ID): Promise<string[]> {
  if (!deps.telegram) return [];
  const chats = new Set(await inboxTeamChats(deps.db, deps, inboxId));
  for (const agent of await listAgents(deps.db)) if (agent.telegram_chat_id && !agent.disabled_at) chats.add(agent.telegram_chat_id);
  return [...chats];
}

/**
 * Whether a call could reach anyone away from a console: through Telegram (the team chat or an
 * agent's linked chat) or a device an agent turned push notifications on in.
 */
export async function canRingAway(deps: DomainDeps): Promise<boolean> {
  return (await callAlertChats(deps)).length > 0 || (await anyPushDevice(deps.db));
}

/**
 * A visitor presses Call (with the recording consent they gave): queued, the team alerted, the
 * caller told their place. `connected`: agents with a console open, to ring the inbox's available members first.
 */
export async function startCall(
  deps: DomainDeps,
  visitor: VisitorRow,
  media: CallRow["media"],
  consent?: RecordingConsent,
  inboxId: string = DEFAULT_INBOX_ID,
): Promise<CallStart> {
  // Linked to the visitor's conversation while it is not resolved, so the call shows in its timeline (and its inbox).
  const latest = await latestConversationOf(deps.db, visitor.id, inboxId);
  const open = latest && latest.status !== "resolved" ? latest : undefined;
  const callInbox = open?.inbox_id ?? inboxId;
  // Telegram always hears every call (the inbox's team chat and each linked agent): only the
  // consoles ring the available members first, so a call nobody at a console takes is not lost.
  const chats = await callAlertChats(deps, callInbox);
  const conversationId = open?.id ?? null;
  const call = await placeCall(deps, visitor, { media, conversationId, consent, inboxId: callInbox }, async (trx, created) => {
    for (const chatId of chats) await enqueueOutbox(trx, "telegram.call", { callId: created.id, chatId }, created.created_at);
    if (created.status === "queued") await queueCallPush(deps, trx, created);
  });
  deps.events.publish({ type: "calls.changed" });
  const position = (await callQueue(deps)).find((q) => q.call.id === call.id)?.position ?? 1;
  // A second press during a live call (another tab) gets that call, with the live call's credentials.
  const iceServers = call.status === "queued" ? await ringingIceServers(deps, call) : liveIceServers(deps, call.id);
  return { call: await presentCall(deps, call), position, iceServers };
}

/**
 * Fresh ICE servers for the caller of a ringing or live call, asked again after a reconnect or
 * before the ones they hold expire (TURN checks a credential when a relay is allocated, e.g. on an
 * ICE restart, so a long call needs current ones). Nobody else gets any.
 */
export async function renewCallerIceServers(deps: DomainDeps, visitor: VisitorRow, callId: string): Promise<{ iceServers: IceServer[] }> {
  const call = await findCall(deps.db, callId);
  if (!call) throw notFound("call_not_found", "No such call.");
  if (call.visitor_id !== visitor.id) throw forbidden("not_in_call", "You are not in this call.");
  if (call.status === "queued") return { iceServers: await ringingIceServers(deps, call) };
  if (call.status === "active") return { iceServers: liveIceServers(deps, call.id) };
  throw conflict("call_not_live", "This call is over.");
}

/** An agent accepts: both participants get fresh TURN credentials for the live call (the caller's go out with the event). */
export async function acceptCall(deps: DomainDeps, agent: AgentRow, callId: string) {
  const call = await presentCall(deps, await claimCall(deps, agent, callId));
  const visitorIceServers = liveIceServers(deps, callId);
  deps.events.publish({ type: "call.accepted", call, visitorIceServers });
  deps.events.publish({ type: "calls.changed" });
  return { call, iceServers: liveIceServers(deps, callId), visitorIceServers };
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

/** Hangs up; only the hang-up that actually ended the call announces it, so `call.ended` goes out once. */
export async function hangUpCall(deps: DomainDeps, who: { visitorId?: string; agentId?: string }, callId: string, reason: string): Promise<CallView> {
  const { call, changed } = await hangUp(deps, who, callId, reason);
  return changed ? ended(deps, call) : presentCall(deps, call);
}

/**
 * Runs every second on every node: each missed call is ended exactly once, by whichever node gets
 * it, and its "missed call" note to Telegram is queued in the same transaction.
 */
export async function missUnansweredCalls(deps: DomainDeps): Promise<CallView[]> {
  const chats = await callAlertChats(deps);
  const missed = await expireUnansweredCalls(deps, async (trx, row) => {
    for (const chatId of chats) await enqueueOutbox(trx, "telegram.call_missed", { callId: row.id, chatId }, row.ended_at ?? deps.clock.now());
  });
  const views: CallView[] = [];
  for (const row of missed) views.push(await ended(deps, row));
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
