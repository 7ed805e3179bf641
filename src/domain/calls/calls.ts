import { randomUUID } from "node:crypto";
import type { Db } from "../../adapters/db/database.ts";
import { type AgentRow, findAgentById } from "../../adapters/db/repositories/agents.ts";
import { type CallRow, findCall, insertCall, liveCallOf, queuedCalls, transitionCall } from "../../adapters/db/repositories/calls.ts";
import type { VisitorRow } from "../../adapters/db/repositories/chat.ts";
import { conflict, DomainError, forbidden, notFound } from "../errors.ts";
import { agentScope, type CallLimits, countCallIfUnder, localDay, TEAM_SCOPE, uncountCall, visitorScope } from "./limits.ts";

export interface CallSettings {
  limits: CallLimits;
  ringTimeoutMs: number;
  recording: CallRow["recording_mode"];
}

export interface CallDeps {
  db: Db;
  clock: { now(): number };
  calls: CallSettings;
}

// Thrown inside a transaction to roll the counting back.
class LimitReached extends DomainError {}

const limitReached = (id: string, message: string) => new LimitReached(id, "rate_limited", message);

/**
 * A visitor presses Call: counts the call against the visitor's and the team's daily limits (both
 * or neither, atomically) and queues it. Pressing again while a call is waiting returns that call.
 */
export async function placeCall(
  deps: CallDeps,
  visitor: VisitorRow,
  input: { media: CallRow["media"]; conversationId: string | null },
  /** Runs in the same transaction once a new call is stored (to queue its notifications). */
  alsoInTransaction?: (trx: Db, call: CallRow) => Promise<void>,
): Promise<CallRow> {
  const live = await liveCallOf(deps.db, visitor.id);
  if (live) return live;
  const now = deps.clock.now();
  const day = localDay(now, deps.calls.limits.timezone);
  const call: CallRow = {
    id: randomUUID(),
    visitor_id: visitor.id,
    conversation_id: input.conversationId,
    agent_id: null,
    status: "queued",
    media: input.media,
    recording_mode: deps.calls.recording,
    created_at: now,
    answered_at: null,
    ended_at: null,
    duration_ms: null,
    end_reason: null,
    // Nothing to mix when nothing is recorded; the mixing job never needs to look at it.
    mix_status: deps.calls.recording === "off" ? "skipped" : null,
  };
  await deps.db.transaction().execute(async (trx) => {
    if (!(await countCallIfUnder(trx, visitorScope(visitor.id), day, deps.calls.limits.perVisitor))) {
      throw limitReached("call_limit_visitor", "You have reached today's limit of calls. Please write to us in the chat, or call again tomorrow.");
    }
    if (!(await countCallIfUnder(trx, TEAM_SCOPE, day, deps.calls.limits.daily))) {
      throw limitReached("call_limit_team", "Our team has taken all the calls it can today. Please leave us a chat message and we will answer soon.");
    }
    await insertCall(trx, call);
    await alsoInTransaction?.(trx, call);
  });
  return call;
}

/** Where each waiting call stands: first come, first served. */
export async function callQueue(deps: CallDeps): Promise<Array<{ call: CallRow; position: number }>> {
  return (await queuedCalls(deps.db)).map((call, index) => ({ call, position: index + 1 }));
}

/**
 * An agent accepts. Exactly one of several agents accepting at once wins: the database moves the
 * call out of "queued" once. The others learn who took it.
 */
export async function claimCall(deps: CallDeps, agent: AgentRow, callId: string): Promise<CallRow> {
  const now = deps.clock.now();
  const day = localDay(now, deps.calls.limits.timezone);
  const perAgent = deps.calls.limits.perAgent;
  const won = await deps.db.transaction().execute(async (trx) => {
    const moved = await transitionCall(trx, callId, "queued", { status: "active", agent_id: agent.id, answered_at: now });
    if (moved && perAgent !== null && !(await countCallIfUnder(trx, agentScope(agent.id), day, perAgent))) {
      throw limitReached("call_limit_agent", `You have taken your ${perAgent} calls for today.`);
    }
    return moved;
  });
  const call = await findCall(deps.db, callId);
  if (!call) throw notFound("call_not_found", "No such call.");
  if (won) return call;
  if (call.status === "active" && call.agent_id) {
    const taker = await findAgentById(deps.db, call.agent_id);
    throw conflict("call_taken", `${taker?.name ?? "Another agent"} took this call.`);
  }
  throw conflict("call_not_waiting", "This call is no longer waiting.");
}

/** Ends a call that was never answered and gives its place in the daily limits back. */
async function endUnanswered(deps: CallDeps, call: CallRow, status: "missed" | "rejected" | "ended", reason: string): Promise<CallRow | undefined> {
  const now = deps.clock.now();
  const day = localDay(call.created_at, deps.calls.limits.timezone);
  const changes = { status, ended_at: now, duration_ms: 0, end_reason: reason };
  const moved = await deps.db.transaction().execute(async (trx) => {
    if (!(await transitionCall(trx, call.id, "queued", changes))) return false;
    await uncountCall(trx, TEAM_SCOPE, day);
    await uncountCall(trx, visitorScope(call.visitor_id), day);
    return true;
  });
  return moved ? { ...call, ...changes } : undefined;
}

/** An agent declines the call for the team (from the console or Telegram). */
export async function rejectCall(deps: CallDeps, agent: AgentRow, callId: string): Promise<CallRow> {
  const call = await findCall(deps.db, callId);
  if (!call) throw notFound("call_not_found", "No such call.");
  const ended = await endUnanswered(deps, call, "rejected", `rejected_by:${agent.id}`);
  if (!ended) throw conflict("call_not_waiting", "This call is no longer waiting.");
  return ended;
}

/**
 * Hangs up. A waiting call is cancelled; a live one ends with its duration computed here, from the
 * server's clock, never from what a client reports.
 */
export async function hangUp(deps: CallDeps, who: { visitorId?: string; agentId?: string }, callId: string, reason: string): Promise<CallRow> {
  const call = await findCall(deps.db, callId);
  if (!call) throw notFound("call_not_found", "No such call.");
  const isCaller = who.visitorId !== undefined && who.visitorId === call.visitor_id;
  const isAgent = who.agentId !== undefined && who.agentId === call.agent_id;
  if (!isCaller && !isAgent) throw forbidden("not_in_call", "You are not in this call.");
  if (call.status === "queued") return (await endUnanswered(deps, call, "ended", reason)) ?? ((await findCall(deps.db, callId)) as CallRow);
  if (call.status !== "active") return call;
  const now = deps.clock.now();
  const changes = { status: "ended" as const, ended_at: now, duration_ms: Math.max(0, now - (call.answered_at ?? now)), end_reason: reason };
  if (await transitionCall(deps.db, call.id, "active", changes)) return { ...call, ...changes };
  return (await findCall(deps.db, callId)) as CallRow;
}

/** Calls nobody answered within the ring timeout become missed; returns them for follow-up. */
export async function expireUnansweredCalls(deps: CallDeps): Promise<CallRow[]> {
  const deadline = deps.clock.now() - deps.calls.ringTimeoutMs;
  const missed: CallRow[] = [];
  for (const call of await queuedCalls(deps.db)) {
    if (call.created_at > deadline) break;
    const ended = await endUnanswered(deps, call, "missed", "ring_timeout");
    if (ended) missed.push(ended);
  }
  return missed;
}
