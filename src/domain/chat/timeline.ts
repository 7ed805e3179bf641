import { DEFAULT_INBOX_ID } from "../../protocol/inboxes.ts";
import { randomUUID } from "node:crypto";
import { type AgentRow, listAgents } from "../../adapters/db/repositories/agents.ts";
import { findConversation, findVisitor, type VisitorRow } from "../../adapters/db/repositories/chat.ts";
import { recordingsOfCalls } from "../../adapters/db/repositories/recordings.ts";
import { enqueueOutbox } from "../../adapters/db/repositories/outbox.ts";
import {
  callsOfConversation,
  type ConversationEventRow,
  eventsOfConversation,
  findConversationEvent,
  insertConversationEvent,
  latestRatingsOfVisitor,
  type RatingRow,
  ratingOf,
  upsertRating,
} from "../../adapters/db/repositories/timeline.ts";
import type { Db } from "../../adapters/db/database.ts";
import type { RatingView, TimelineEventView, TimelineResponse } from "../../protocol/timeline.ts";
import { callViewOf } from "../calls/callService.ts";
import { presentRecording } from "../calls/callHistory.ts";
import { invalid, notFound } from "../errors.ts";
import type { DomainDeps } from "../ports.ts";
import { text } from "../i18n.ts";
import { alertChats } from "./alertChats.ts";
import { visitorLabel } from "./visitorLabel.ts";

// The console's conversation timeline: private notes, who assigned, resolved, reopened, labeled, and the
// visitor's rating. The rule for everything visitor-facing (the widget, e-mail, transcripts,
// Telegram's visitor posts): it reads `messages` only, never `conversation_events`. These rows are
// published only as `timeline.event` and `mention`, which the gateway sends to consoles alone.

export type EventActor = { type: "agent"; id: string } | { type: "visitor"; id: string } | { type: "system" };

/** Appends a change to a conversation's timeline (inside the caller's transaction); publish it after commit. */
export async function recordConversationEvent(
  db: Db,
  input: { conversationId: string; kind: ConversationEventRow["kind"]; actor: EventActor; body?: string | null; data?: Record<string, unknown>; at: number },
): Promise<ConversationEventRow> {
  const row: ConversationEventRow = {
    id: randomUUID(),
    conversation_id: input.conversationId,
    kind: input.kind,
    actor_type: input.actor.type,
    actor_id: input.actor.type === "system" ? null : input.actor.id,
    body: input.body ?? null,
    data: input.data ? JSON.stringify(input.data) : null,
    created_at: input.at,
  };
  await insertConversationEvent(db, row);
  return row;
}

interface EventData {
  mentions?: string[];
  assigneeId?: string;
  score?: number;
  label?: { id: string; name: string; colour: string };
}

const dataOf = (row: ConversationEventRow): EventData => (row.data ? (JSON.parse(row.data) as EventData) : {});

/** Timeline rows as the console shows them, with agent and visitor names. */
export async function presentEvents(deps: DomainDeps, rows: ConversationEventRow[], visitor?: Pick<VisitorRow, "name">): Promise<TimelineEventView[]> {
  if (rows.length === 0) return [];
  const agents = new Map((await listAgents(deps.db)).map((a) => [a.id, a]));
  const agentRef = (id: string | undefined) => {
    const agent = id ? agents.get(id) : undefined;
    return agent ? { id: agent.id, name: agent.name } : null;
  };
  return rows.map((row) => {
    const data = dataOf(row);
    const actorName = row.actor_type === "agent" ? (agentRef(row.actor_id ?? undefined)?.name ?? null) : row.actor_type === "visitor" ? (visitor?.name ?? null) : null;
    return {
      id: row.id,
      conversationId: row.conversation_id,
      kind: row.kind,
      actor: { type: row.actor_type, id: row.actor_id, name: actorName },
      body: row.body,
      mentions: (data.mentions ?? []).flatMap((id) => agentRef(id) ?? []),
      assignee: agentRef(data.assigneeId),
      score: data.score ?? null,
      label: data.label ?? null,
      createdAt: new Date(row.created_at).toISOString(),
    };
  });
}

/** Publishes committed timeline rows to every console. */
export async function publishTimeline(deps: DomainDeps, rows: ConversationEventRow[]): Promise<TimelineEventView[]> {
  const first = rows[0];
  if (!first) return [];
  const conversation = await findConversation(deps.db, first.conversation_id);
  const visitor = conversation ? await findVisitor(deps.db, conversation.visitor_id) : undefined;
  const views = await presentEvents(deps, rows, visitor);
  const inboxId = conversation?.inbox_id ?? DEFAULT_INBOX_ID;
  for (const event of views) deps.events.publish({ type: "timeline.event", inboxId, event });
  return views;
}

/** `@username` tokens of a note, matched case-insensitively against enabled agents (never the author). */
export function mentionedAgents(body: string, agents: AgentRow[], authorId: string): AgentRow[] {
  const names = new Set([...body.matchAll(/(?:^|[^\p{L}\p{N}_@])@([\p{L}\p{N}._-]{1,64})/gu)].map((m) => (m[1] ?? "").replace(/[.]+$/, "").toLowerCase()));
  return agents.filter((a) => !a.disabled_at && a.id !== authorId && names.has(a.username.toLowerCase()));
}

/**
 * An agent's private note. Mentioned agents are told in their consoles and, when their Telegram is
 * linked, by a post that says it is a note (it carries no conversation link, so replying to it
 * reaches nobody). The visitor never sees a note.
 */
export async function addNote(deps: DomainDeps, agent: AgentRow, input: { conversationId: string; body: string }): Promise<TimelineEventView> {
  const body = input.body.trim();
  if (!body) throw invalid("note_empty", "The note is empty.");
  const conversation = await findConversation(deps.db, input.conversationId);
  const visitor = conversation && (await findVisitor(deps.db, conversation.visitor_id));
  if (!conversation || !visitor) throw notFound("conversation_not_found", "No such conversation.");
  const mentioned = mentionedAgents(body, await listAgents(deps.db), agent.id);
  const now = deps.clock.now();
  const row = await deps.db.transaction().execute(async (trx) => {
    const row = await recordConversationEvent(trx, {
      conversationId: conversation.id,
      kind: "note",
      actor: { type: "agent", id: agent.id },
      body,
      data: mentioned.length > 0 ? { mentions: mentioned.map((a) => a.id) } : undefined,
      at: now,
    });
    if (deps.telegram) {
      for (const target of mentioned) {
        if (target.telegram_chat_id) await enqueueOutbox(trx, "telegram.mention", { eventId: row.id, chatId: target.telegram_chat_id }, now);
      }
    }
    return row;
  });
  const [event] = await presentEvents(deps, [row], visitor);
  if (!event) throw new Error("a stored note could not be presented");
  deps.events.publish({ type: "timeline.event", inboxId: conversation.inbox_id, event });
  for (const target of mentioned) {
    deps.events.publish({ type: "mention", agentId: target.id, notice: { event, conversationId: conversation.id, visitorName: visitor.name } });
  }
  return event;
}

function presentRating(row: RatingRow): RatingView {
  return { conversationId: row.conversation_id, score: row.score, comment: row.comment, updatedAt: new Date(row.updated_at).toISOString() };
}

/** Notes, changes, calls (with recording links for the asking agent's session) and the rating of one conversation. */
export async function conversationTimeline(deps: DomainDeps, id: string, sessionId: string): Promise<TimelineResponse> {
  const conversation = await findConversation(deps.db, id);
  const visitor = conversation && (await findVisitor(deps.db, conversation.visitor_id));
  if (!conversation || !visitor) throw notFound("conversation_not_found", "No such conversation.");
  const [rows, calls, rating] = await Promise.all([
    eventsOfConversation(deps.db, id),
    callsOfConversation(deps.db, conversation, deps.clock.now()),
    ratingOf(deps.db, id),
  ]);
  const recordings = await recordingsOfCalls(deps.db, calls.map((c) => c.id));
  return {
    events: await presentEvents(deps, rows, visitor),
    calls: calls.map((call) => ({
      ...callViewOf(call),
      recordings: recordings.filter((r) => r.call_id === call.id).map((r) => presentRecording(deps, r, sessionId)),
    })),
    rating: rating ? presentRating(rating) : null,
  };
}

/** The visitor's latest ratings, for the details panel. */
export async function visitorRatings(deps: DomainDeps, visitorId: string): Promise<RatingView[]> {
  return (await latestRatingsOfVisitor(deps.db, visitorId)).map(presentRating);
}

/**
 * The visitor rates their resolved conversation, 1 to 5 with an optional comment; rating again
 * replaces the score. The team chat and the assignee hear of it on Telegram.
 */
export async function rateConversation(
  deps: DomainDeps,
  visitor: VisitorRow,
  input: { conversationId: string; score: number; comment?: string | undefined },
): Promise<RatingView> {
  const conversation = await findConversation(deps.db, input.conversationId);
  // Another visitor's conversation is as unknown as a missing one.
  if (!conversation || conversation.visitor_id !== visitor.id) throw notFound("conversation_not_found", "No such conversation.");
  if (conversation.status !== "resolved") throw invalid("conversation_not_resolved", "Only a resolved conversation can be rated.");
  const comment = input.comment?.trim() || null;
  const now = deps.clock.now();
  const { rating, event } = await deps.db.transaction().execute(async (trx) => {
    const earlier = await ratingOf(trx, conversation.id);
    const rating: RatingRow = { conversation_id: conversation.id, visitor_id: visitor.id, score: input.score, comment, created_at: earlier?.created_at ?? now, updated_at: now };
    await upsertRating(trx, rating);
    const event = await recordConversationEvent(trx, {
      conversationId: conversation.id,
      kind: "rated",
      actor: { type: "visitor", id: visitor.id },
      body: comment,
      data: { score: input.score },
      at: now,
    });
    for (const chatId of await alertChats(trx, deps, conversation)) {
      await enqueueOutbox(trx, "telegram.rating", { eventId: event.id, chatId }, now);
    }
    return { rating, event };
  });
  await publishTimeline(deps, [event]);
  return presentRating(rating);
}

/**
 * The Telegram post of a note mention or a rating (outbox kinds `telegram.mention`, `telegram.rating`),
 * or undefined when the conversation is gone. Plain text; it carries no conversation link, so a
 * reply to it is not taken as a reply to the visitor.
 */
export async function timelineAlertText(deps: DomainDeps, eventId: string, language: "tr" | "en"): Promise<string | undefined> {
  const row = await findConversationEvent(deps.db, eventId);
  const conversation = row && (await findConversation(deps.db, row.conversation_id));
  const visitor = conversation && (await findVisitor(deps.db, conversation.visitor_id));
  if (!row || !visitor) return undefined;
  const [event] = await presentEvents(deps, [row], visitor);
  if (!event) return undefined;
  const who = visitorLabel(visitor);
  if (row.kind === "rated") return text("rated", language, who, event.score ?? 0, row.body ?? "");
  return text("noteMention", language, event.actor.name ?? "?", who, row.body ?? "");
}
