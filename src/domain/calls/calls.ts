import { randomUUID } from "node:crypto";
import type { Db } from "../../adapters/db/database.ts";
import { type AgentRow, findAgentById } from "../../adapters/db/repositories/agents.ts";
import {
  activeCallsOfAgent,
  type CallRow,
  callCount,
  findCall,
  insertCall,
  liveCallConflict,
  liveCallOf,
  queuedCalls,
  transitionCall,
} from "../../adapters/db/repositories/calls.ts";
import type { VisitorRow } from "../../adapters/db/repositories/chat.ts";
import { conflict, DomainError, forbidden, notFound } from "../errors.ts";
import type { RecordingConsent } from "../../protocol/calls.ts";
import { RECORDING_CONSENT_VERSION } from "../../protocol/consent.ts";
import type { SettingsReader } from "../settings/installSettings.ts";
import { agentScope, type CallLimits, countCallIfUnder, localDay, TEAM_SCOPE, uncountCall, visitorScope } from "./limits.ts";
import { DEFAULT_INBOX_ID } from "../../protocol/inboxes.ts";
import { loadInboxSettings } from "../inboxes/inboxSettings.ts";

/** The call settings in force for one operation, read live from the install's settings. */
export interface CallSettings {
  limits: CallLimits;
  ringTimeoutMs: number;
  recording: CallRow["recording_mode"];
}

export interface CallDeps {
  db: Db;
  clock: { now(): number };
  /** Days (for the daily limits) start at midnight in this time zone. */
  calls: { timezone: string };
  settings: SettingsReader;
}

/** Limits, ring time and recording mode as an admin last saved them (or the environment's). */
export async function currentCallSettings(deps: CallDeps): Promise<CallSettings> {
  const s = await deps.settings.current();
  return {
    limits: { daily: s.callDailyLimit, perVisitor: s.callVisitorDailyLimit, perAgent: s.callAgentDailyLimit, timezone: deps.calls.timezone },
    ringTimeoutMs: s.ringTimeoutS * 1000,
    recording: s.recording,
  };
}

// Thrown inside a transaction to roll the counting back.
class LimitReached extends DomainError {}

const limitReached = (id: string, message: string) => new LimitReached(id, "rate_limited", message);
const teamLimitReached = () =>
  limitReached("call_limit_team", "Our team has taken all the calls it can today. Please leave us a chat message and we will answer soon.");

/** Refuses a recorded call placed without consent to the current mode; the client asks and retries. */
function consentRequired(mode: "audio" | "audio+video"): DomainError {
  const what = mode === "audio" ? "audio" : "audio and video";
  return new DomainError("recording_consent_required", "conflict", `Calls are recorded (${what}). Please agree to the recording to call.`, undefined, { mode });
}

/** The consent to store with a new call: required, and matching, whenever calls are recorded. */
function checkConsent(mode: CallRow["recording_mode"], consent: RecordingConsent | undefined, now: number) {
  if (mode === "off") return { consent_mode: null, consent_at: null, consent_version: null };
  if (consent?.mode !== mode || consent.version !== RECORDING_CONSENT_VERSION) throw consentRequired(mode);
  return { consent_mode: mode, consent_at: now, consent_version: consent.version };
}

/**
 * A visitor presses Call: the call counts against the visitor's daily limit and is queued. The team's
 * limit counts answered calls (see claimCall), so a waiting call holds no team slot; it is only
 * checked here so nobody waits for a team that cannot take more today. One live call per visitor
 * is a rule of the database: a second press, another tab or a double click gets the same call.
 */
export async function placeCall(
  deps: CallDeps,
  visitor: VisitorRow,
  input: { media: CallRow["media"]; conversationId: string | null; consent?: RecordingConsent | undefined; inboxId?: string | undefined },
  /** Runs in the same transaction once a new call is stored (to queue its notifications). */
  alsoInTransaction?: (trx: Db, call: CallRow) => Promise<void>,
): Promise<CallRow> {
  const live = await liveCallOf(deps.db, visitor.id);
  if (live) return live;
  const settings = await currentCallSettings(deps);
  const now = deps.clock.now();
  const day = localDay(now, deps.calls.timezone);
  const call: CallRow = {
    id: randomUUID(),
    visitor_id: visitor.id,
    conversation_id: input.conversationId,
    agent_id: null,
    status: "queued",
    inbox_id: input.inboxId ?? DEFAULT_INBOX_ID,
    media: input.media,
    recording_mode: settings.recording,
    created_at: now,
    answered_at: null,
    ended_at: null,
    duration_ms: null,
    end_reason: null,
    // Nothing to mix when nothing is recorded; the mixing job never needs to look at it.
    mix_status: settings.recording === "off" ? "skipped" : null,
    ...checkConsent(settings.recording, input.consent, now),
  };
  try {
    await deps.db.transaction().execute(async (trx) => {
      // The caller's own limit first; a refusal for the team's rolls their count back.
      if (!(await countCallIfUnder(trx, visitorScope(visitor.id), day, settings.limits.perVisitor))) {
        throw limitReached("call_limit_visitor", "You have reached today's limit of calls. Please write to us in the chat, or call again tomorrow.");
      }
      if ((await callCount(trx, TEAM_SCOPE, day)) >= settings.limits.daily) throw teamLimitReached();
      await insertCall(trx, call);
      await alsoInTransaction?.(trx, call);
    });
  } catch (error) {
    // Another press of this visitor stored its call first: that is the one (nothing was counted here).
    const existing = liveCallConflict(error) === "visitor" ? await liveCallOf(deps.db, visitor.id) : undefined;
    if (existing) return existing;
    throw error;
  }
  return call;
}

/** Where each waiting call stands: first come, first served. */
export async function callQueue(deps: CallDeps): Promise<Array<{ call: CallRow; position: number }>> {
  return (await queuedCalls(deps.db)).map((call, index) => ({ call, position: index + 1 }));
}

const agentBusy = () => conflict("agent_busy", "You are already in a call. Hang up first to take another.");

/**
 * An agent accepts (from the console or Telegram). Exactly one of several agents accepting at once
 * wins: the database moves the call out of "queued" once. An agent has one live call at a time,
 * also a rule of the database. The answered call counts against the team's daily limit (and the
 * agent's, when set), atomically with the move, so concurrent accepts on any node never pass them.
 */
export async function claimCall(deps: CallDeps, agent: AgentRow, callId: string): Promise<CallRow> {
  const { limits } = await currentCallSettings(deps);
  const now = deps.clock.now();
  const day = localDay(now, deps.calls.timezone);
  const perAgent = limits.perAgent;
  if ((await activeCallsOfAgent(deps.db, agent.id)).length > 0) throw agentBusy();
  let won: boolean;
  try {
    won = await deps.db.transaction().execute(async (trx) => {
      const moved = await transitionCall(trx, callId, "queued", { status: "active", agent_id: agent.id, answered_at: now });
      if (!moved) return false;
      if (!(await countCallIfUnder(trx, TEAM_SCOPE, day, limits.daily))) {
        throw limitReached("call_limit_team", `The team has answered its ${limits.daily} calls for today.`);
      }
      if (perAgent !== null && !(await countCallIfUnder(trx, agentScope(agent.id), day, perAgent))) {
        throw limitReached("call_limit_agent", `You have taken your ${perAgent} calls for today.`);
      }
      return true;
    });
  } catch (error) {
    if (liveCallConflict(error) === "agent") throw agentBusy();
    throw error;
  }
  const call = await findCall(deps.db, callId);
  if (!call) throw notFound("call_not_found", "No such call.");
  if (won) return call;
  if (call.status === "active" && call.agent_id) {
    const taker = await findAgentById(deps.db, call.agent_id);
    throw conflict("call_taken", `${taker?.name ?? "Another agent"} took this call.`);
  }
  throw conflict("call_not_waiting", "This call is no longer waiting.");
}

/** A state change of a call and whether this caller made it: only the winner announces it. */
export interface CallChange {
  call: CallRow;
  changed: boolean;
}

/**
 * Ends a call that was never answered. It never held a team slot. It keeps counting against the
 * caller's own daily limit (else hanging up, or letting it ring out, and calling again would get
 * around the limit), unless the team rejected it: then the caller gets that place back.
 */
async function endUnanswered(
  deps: CallDeps,
  call: CallRow,
  status: "missed" | "rejected" | "ended",
  reason: string,
  alsoInTransaction?: (trx: Db, call: CallRow) => Promise<void>,
): Promise<CallRow | undefined> {
  const now = deps.clock.now();
  const day = localDay(call.created_at, deps.calls.timezone);
  const changes = { status, ended_at: now, duration_ms: 0, end_reason: reason };
  const ended = { ...call, ...changes };
  const moved = await deps.db.transaction().execute(async (trx) => {
    if (!(await transitionCall(trx, call.id, "queued", changes))) return false;
    if (status === "rejected") await uncountCall(trx, visitorScope(call.visitor_id), day);
    await alsoInTransaction?.(trx, ended);
    return true;
  });
  return moved ? ended : undefined;
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
 * server's clock, never from what a client reports. `changed` is true only for the one hang-up
 * that ended it, whatever else raced to end it.
 */
export async function hangUp(deps: CallDeps, who: { visitorId?: string; agentId?: string }, callId: string, reason: string): Promise<CallChange> {
  const call = await findCall(deps.db, callId);
  if (!call) throw notFound("call_not_found", "No such call.");
  const isCaller = who.visitorId !== undefined && who.visitorId === call.visitor_id;
  const isAgent = who.agentId !== undefined && who.agentId === call.agent_id;
  if (!isCaller && !isAgent) throw forbidden("not_in_call", "You are not in this call.");
  const current = async (): Promise<CallChange> => ({ call: (await findCall(deps.db, callId)) ?? call, changed: false });
  if (call.status === "queued") {
    const ended = await endUnanswered(deps, call, "ended", reason);
    return ended ? { call: ended, changed: true } : current();
  }
  if (call.status !== "active") return { call, changed: false };
  const now = deps.clock.now();
  const changes = { status: "ended" as const, ended_at: now, duration_ms: Math.max(0, now - (call.answered_at ?? now)), end_reason: reason };
  if (await transitionCall(deps.db, call.id, "active", changes)) return { call: { ...call, ...changes }, changed: true };
  return current();
}

/** How long a call of this inbox rings: the inbox's own ring time, else the install's. */
export async function ringTimeoutMsOf(deps: CallDeps, inboxId: string): Promise<number> {
  const own = (await loadInboxSettings(deps.db, inboxId))?.calls.ringTimeoutS;
  return own === undefined ? (await currentCallSettings(deps)).ringTimeoutMs : own * 1000;
}

/**
 * Calls nobody answered within the ring timeout become missed; returns them for follow-up.
 * `alsoInTransaction` runs in each call's ending transaction (to queue the missed-call note with it).
 */
export async function expireUnansweredCalls(deps: CallDeps, alsoInTransaction?: (trx: Db, call: CallRow) => Promise<void>): Promise<CallRow[]> {
  const now = deps.clock.now();
  const timeouts = new Map<string, number>();
  const missed: CallRow[] = [];
  for (const call of await queuedCalls(deps.db)) {
    if (!timeouts.has(call.inbox_id)) timeouts.set(call.inbox_id, await ringTimeoutMsOf(deps, call.inbox_id));
    if (call.created_at > now - (timeouts.get(call.inbox_id) ?? 0)) continue;
    const ended = await endUnanswered(deps, call, "missed", "ring_timeout", alsoInTransaction);
    if (ended) missed.push(ended);
  }
  return missed;
}
