import {
  agentsUnavailableSince,
  noteAvailability,
  openConversationsOf,
  unassignIfAssignedTo,
} from "../../adapters/db/repositories/assignment.ts";
import type { ConversationEventRow } from "../../adapters/db/repositories/timeline.ts";
import { announceConversation } from "../chat/conversations.ts";
import { publishTimeline, recordConversationEvent } from "../chat/timeline.ts";
import type { DomainDeps } from "../ports.ts";
import { availableAgents } from "./agentStatus.ts";
import { assignWaiting, autoAssignInboxes } from "./autoAssign.ts";

/**
 * The periodic part of assignment (every node runs it; each step is safe to repeat): notes who is
 * unavailable since when, gives the open conversations of anyone unavailable for `requeueMs` (in
 * auto-assign inboxes) back to the queue, and assigns what waits.
 */
export async function requeueAndAssign(deps: DomainDeps, connected: readonly string[], requeueMs: number) {
  const now = deps.clock.now();
  await noteAvailability(deps.db, await availableAgents(deps, connected), now);
  const inboxIds = (await autoAssignInboxes(deps)).map((i) => i.id);
  const requeued: string[] = [];
  for (const agentId of await agentsUnavailableSince(deps.db, now - requeueMs)) {
    for (const conversationId of await openConversationsOf(deps.db, agentId, inboxIds)) {
      const event = await deps.db.transaction().execute(async (trx): Promise<ConversationEventRow | undefined> => {
        if (!(await unassignIfAssignedTo(trx, conversationId, agentId, now))) return undefined;
        return recordConversationEvent(trx, { conversationId, kind: "unassigned", actor: { type: "system" }, data: { reason: "agent_unavailable", previousAssigneeId: agentId }, at: now });
      });
      if (!event) continue;
      requeued.push(conversationId);
      await announceConversation(deps, conversationId);
      await publishTimeline(deps, [event]);
    }
  }
  const assigned = await assignWaiting(deps, connected);
  return { requeued, assigned };
}
