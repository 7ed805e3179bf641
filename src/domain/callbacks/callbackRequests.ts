import { randomUUID } from "node:crypto";
import { type AgentRow, listAgents } from "../../adapters/db/repositories/agents.ts";
import {
  type CallbackRow,
  countOpenCallbacks,
  countRecentCallbacksOfVisitor,
  findCallback,
  insertCallback,
  listCallbacks,
  markCallbackDone,
} from "../../adapters/db/repositories/callbacks.ts";
import { findVisitor, latestConversationOf, updateVisitor, type VisitorRow } from "../../adapters/db/repositories/chat.ts";
import { enqueueOutbox } from "../../adapters/db/repositories/outbox.ts";
import type { Db } from "../../adapters/db/database.ts";
import type { CallbackList, CallbackStatus, CallbackView } from "../../protocol/callbacks.ts";
import { conflict, notFound } from "../errors.ts";
import { text } from "../i18n.ts";
import { inboxOfVisitor } from "../inboxes/availability.ts";
import { inboxTeamChats } from "../chat/alertChats.ts";
import { seesInbox, visibleInboxes } from "../inboxes/visibility.ts";
import { loadInboxSettings } from "../inboxes/inboxSettings.ts";
import type { DomainDeps } from "../ports.ts";
import { publishTimeline, recordConversationEvent } from "../chat/timeline.ts";
import { visitorLabel } from "../chat/visitorLabel.ts";

// "Request a call back": the visitor leaves a number while the team is away or outside hours. The
// request is a task: the `Call backs` page lists open ones (the nav badge counts them), the
// conversation's timeline shows it, the inbox's Telegram team chat is told through the outbox,
// and any agent marks it done. Marking done twice is harmless (a retry or two agents at once).

/** A visitor may ask this many times a day: enough to correct a number, not enough to flood the team. */
export const CALLBACKS_PER_VISITOR_PER_DAY = 5;
const DAY_MS = 24 * 60 * 60 * 1000;
const LIST_LIMIT = 200;

/** The inbox's team chat, else the install's alert chats; none without a bot. */
async function teamChats(deps: DomainDeps, inboxId: string): Promise<string[]> {
  return deps.telegram ? inboxTeamChats(deps.db, deps, inboxId) : [];
}

async function present(deps: DomainDeps, rows: CallbackRow[]): Promise<CallbackView[]> {
  const agents = new Map((await listAgents(deps.db)).map((a) => [a.id, a]));
  const ids = [...new Set(rows.map((row) => row.visitor_id))];
  const visitors = new Map<string, VisitorRow>(
    ids.length === 0 ? [] : (await deps.db.selectFrom("visitors").selectAll().where("id", "in", ids).execute()).map((v) => [v.id, v]),
  );
  return rows.map((row) => {
    const visitor = visitors.get(row.visitor_id);
    const doneBy = row.done_by ? agents.get(row.done_by) : undefined;
    return {
      id: row.id,
      inboxId: row.inbox_id,
      conversationId: row.conversation_id,
      visitor: {
        id: row.visitor_id,
        name: visitor?.name ?? null,
        email: visitor?.email ?? null,
        label: visitor ? visitorLabel(visitor) : row.visitor_id.slice(0, 8),
      },
      phone: row.phone,
      note: row.note,
      status: row.status,
      createdAt: new Date(row.created_at).toISOString(),
      doneAt: row.done_at === null ? null : new Date(row.done_at).toISOString(),
      doneBy: doneBy ? { id: doneBy.id, name: doneBy.name } : null,
    };
  });
}

/** Tells the consoles of the request's inbox after commit (each counts its own open ones). */
async function announce(deps: DomainDeps, row: CallbackRow): Promise<CallbackView> {
  const [callback] = await present(deps, [row]);
  if (!callback) throw new Error("a stored call-back request could not be presented");
  deps.events.publish({ type: "callbacks.changed", callback });
  return callback;
}

const timelineBody = (row: Pick<CallbackRow, "phone" | "note">) => (row.note ? `${row.phone} · ${row.note}` : row.phone);

/** The visitor asks to be called back at `phone`; linked to their latest conversation when they have one. */
export async function requestCallback(
  deps: DomainDeps,
  visitor: VisitorRow,
  input: { phone: string; note?: string | undefined; inbox?: string | undefined },
): Promise<CallbackView> {
  const inboxId = await inboxOfVisitor(deps, input.inbox);
  const settings = await loadInboxSettings(deps.db, inboxId);
  if (!settings) throw notFound("inbox_not_found", "No such inbox.");
  if (!settings.calls.enabled) throw conflict("calls_off", "This website does not take calls. Leave a message instead.");
  const now = deps.clock.now();
  if ((await countRecentCallbacksOfVisitor(deps.db, visitor.id, now - DAY_MS)) >= CALLBACKS_PER_VISITOR_PER_DAY) {
    throw conflict("callback_limit", "You have already asked us to call you back. We will call as soon as we can.");
  }
  const conversation = await latestConversationOf(deps.db, visitor.id);
  const chats = await teamChats(deps, inboxId);
  const row: CallbackRow = {
    id: randomUUID(),
    visitor_id: visitor.id,
    conversation_id: conversation?.id ?? null,
    inbox_id: inboxId,
    phone: input.phone.trim(),
    note: input.note?.trim() || null,
    status: "open",
    created_at: now,
    done_at: null,
    done_by: null,
  };
  const event = await deps.db.transaction().execute(async (trx) => {
    await insertCallback(trx, row);
    // The number the visitor gave is the best one the team has for them.
    if (!visitor.phone) await updateVisitor(trx, visitor.id, { phone: row.phone });
    for (const chatId of chats) await enqueueOutbox(trx, "telegram.callback", { callbackId: row.id, chatId }, now);
    if (!conversation) return undefined;
    return recordConversationEvent(trx, {
      conversationId: conversation.id,
      kind: "callback_requested",
      actor: { type: "visitor", id: visitor.id },
      body: timelineBody(row),
      at: now,
    });
  });
  if (event) await publishTimeline(deps, [event]);
  return announce(deps, row);
}

/** Open (oldest first) or done (newest first) requests, and how many are open. */
/** The requests of the inboxes the agent sees (admins: all), with how many of them are open. */
export async function listCallbackRequests(deps: DomainDeps, agent: Pick<AgentRow, "id" | "role">, status: CallbackStatus): Promise<CallbackList> {
  const visible = await visibleInboxes(deps, agent);
  if (visible !== "all" && visible.length === 0) return { callbacks: [], openCount: 0 };
  const inboxIds = visible === "all" ? undefined : visible;
  const [rows, openCount] = await Promise.all([listCallbacks(deps.db, status, LIST_LIMIT, inboxIds), countOpenCallbacks(deps.db, inboxIds)]);
  return { callbacks: await present(deps, rows), openCount };
}

/** An agent called the visitor back. Done already: the request as it is, nothing recorded twice. */
export async function completeCallback(deps: DomainDeps, agent: Pick<AgentRow, "id" | "role">, id: string): Promise<CallbackView> {
  const actor = { agentId: agent.id };
  const row = await findCallback(deps.db, id);
  // Another inbox's request is, to this agent, no request at all.
  if (!row || !seesInbox(await visibleInboxes(deps, agent), row.inbox_id)) throw notFound("callback_not_found", "No such call-back request.");
  if (row.status === "done") return (await present(deps, [row]))[0] as CallbackView;
  const now = deps.clock.now();
  const event = await deps.db.transaction().execute(async (trx: Db) => {
    if (!(await markCallbackDone(trx, id, actor.agentId, now))) return null;
    if (!row.conversation_id) return undefined;
    return recordConversationEvent(trx, {
      conversationId: row.conversation_id,
      kind: "callback_done",
      actor: { type: "agent", id: actor.agentId },
      body: timelineBody(row),
      at: now,
    });
  });
  const done = await findCallback(deps.db, id);
  if (!done) throw notFound("callback_not_found", "No such call-back request.");
  // Another agent was first: theirs is the change that was announced.
  if (event === null) return (await present(deps, [done]))[0] as CallbackView;
  if (event) await publishTimeline(deps, [event]);
  return announce(deps, done);
}

/** The Telegram post of a call-back request (outbox kind `telegram.callback`); undefined when it is gone. */
export async function callbackAlertText(deps: DomainDeps, callbackId: string, language: "tr" | "en"): Promise<string | undefined> {
  const row = await findCallback(deps.db, callbackId);
  const visitor = row && (await findVisitor(deps.db, row.visitor_id));
  if (!row || !visitor) return undefined;
  return text("callbackRequested", language, visitorLabel(visitor), row.phone, row.note ?? "");
}
