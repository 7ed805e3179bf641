import {
  assignIfWaiting,
  candidateAgents,
  claimOldestWaiting,
  inboxSettingRows,
  lockAgent,
  openLoadOf,
} from "../../adapters/db/repositories/assignment.ts";
import type { ConversationEventRow } from "../../adapters/db/repositories/timeline.ts";
import type { AssignmentSettings } from "../../protocol/inboxes.ts";
import { announceConversation } from "../chat/conversations.ts";
import { publishTimeline, recordConversationEvent } from "../chat/timeline.ts";
import { parseInboxSettings } from "../inboxes/inboxSettings.ts";
import type { DomainDeps } from "../ports.ts";

// Automatic assignment: in an inbox with assignment.auto on, each open conversation nobody is
// assigned goes to a member who chose "online" and has a console open, under their capacity
// (their open assigned conversations, in every inbox), round-robin (the member given one longest
// ago first), the oldest waiting conversation first. Every node may run this at once; see the
// repository for why no conversation is given twice and no capacity is exceeded.

type Step = { kind: "assigned"; conversationId: string; agentId: string; event: ConversationEventRow } | { kind: "none" } | { kind: "busy" };

/** Inboxes with automatic assignment on, with their settings. */
export async function autoAssignInboxes(deps: DomainDeps): Promise<Array<{ id: string; assignment: AssignmentSettings }>> {
  const rows = await inboxSettingRows(deps.db);
  return rows.map((row) => ({ id: row.id, assignment: parseInboxSettings(row.settings).assignment })).filter((inbox) => inbox.assignment.auto);
}

/** One conversation of one inbox to one agent, in one transaction. */
async function assignOne(deps: DomainDeps, inboxId: string, capacity: number, connected: readonly string[]): Promise<Step> {
  const candidates = await candidateAgents(deps.db, inboxId, connected);
  if (candidates.length === 0) return { kind: "none" };
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx): Promise<Step> => {
    const conversation = await claimOldestWaiting(trx, inboxId);
    if (!conversation) return { kind: "none" };
    let someoneLocked = false;
    for (const agentId of candidates) {
      if (!(await lockAgent(trx, agentId))) {
        someoneLocked = true;
        continue;
      }
      if ((await openLoadOf(trx, agentId)) >= capacity) continue;
      if (!(await assignIfWaiting(trx, conversation.id, agentId, now))) return { kind: "busy" };
      const event = await recordConversationEvent(trx, { conversationId: conversation.id, kind: "assigned", actor: { type: "system" }, data: { assigneeId: agentId }, at: now });
      return { kind: "assigned", conversationId: conversation.id, agentId, event };
    }
    // Every free agent is being given something by another node right now: try again shortly.
    return someoneLocked ? { kind: "busy" } : { kind: "none" };
  });
}

const BUSY_RETRIES = 50;
const BUSY_PAUSE_MS = 20;

/**
 * Assigns every waiting conversation it can, in every auto-assign inbox, and announces each after
 * commit (the consoles, the widget and the timeline). `connected`: agents with a console open on
 * any node. Returns what it assigned, in order.
 */
export async function assignWaiting(deps: DomainDeps, connected: readonly string[]): Promise<Array<{ conversationId: string; agentId: string }>> {
  const done: Array<{ conversationId: string; agentId: string }> = [];
  for (const inbox of await autoAssignInboxes(deps)) {
    let busy = 0;
    for (;;) {
      const step = await assignOne(deps, inbox.id, inbox.assignment.capacity, connected);
      if (step.kind === "none") break;
      if (step.kind === "busy") {
        if (++busy > BUSY_RETRIES) break;
        await new Promise((resolve) => setTimeout(resolve, BUSY_PAUSE_MS));
        continue;
      }
      done.push({ conversationId: step.conversationId, agentId: step.agentId });
      await announceConversation(deps, step.conversationId);
      await publishTimeline(deps, [step.event]);
    }
  }
  return done;
}
