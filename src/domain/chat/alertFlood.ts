import { countConversationsStarted, firstConversationStarted, latestFloodSummary } from "../../adapters/db/repositories/alertFlood.ts";
import { enqueueOutbox } from "../../adapters/db/repositories/outbox.ts";
import { findConversation } from "../../adapters/db/repositories/chat.ts";
import type { DomainDeps } from "../ports.ts";
import { teamAlertChats } from "../settings/teamChat.ts";

// Alert floods: past `limit` new conversations in a minute, the team chat stops getting one post per
// conversation and gets one summary per minute instead. Decided when an alert is delivered (on the
// one node that sends to Telegram), from the conversations table, so every node agrees.

export const FLOOD_SUMMARY_KIND = "telegram.flood_summary";
const MINUTE = 60_000;

/** Whether more than `limit` conversations started in the minute up to and including `at`. */
async function floodingAt(deps: DomainDeps, at: number, limit: number): Promise<boolean> {
  return (await countConversationsStarted(deps.db, at - MINUTE + 1, at + 1)) > limit;
}

/**
 * Whether a visitor-message alert for a team chat should be held back. A new conversation is held
 * back while the flood lasts (and a summary is scheduled to count it); a later message of a
 * conversation that started in a flood is held back until the flood is over. An assigned agent's
 * own chat always gets its alerts.
 */
export async function holdBackForFlood(
  deps: DomainDeps,
  input: { chatId: string; conversationId: string; isNew: boolean; at: number; limit: number },
): Promise<boolean> {
  if (!(await teamAlertChats(deps)).includes(input.chatId)) return false;
  if (input.isNew) {
    if (!(await floodingAt(deps, input.at, input.limit))) return false;
    await scheduleFloodSummary(deps, input.chatId, input.at);
    return true;
  }
  const conversation = await findConversation(deps.db, input.conversationId);
  if (!conversation) return false;
  return (await floodingAt(deps, conversation.created_at, input.limit)) && (await floodingAt(deps, input.at, input.limit));
}

/**
 * Makes sure a summary will count the conversation started at `at`: summaries cover back-to-back
 * one-minute windows, the first starting with the first conversation of the flooding minute, and
 * each is posted when its window ends. The window start is in the row id, so it is queued once.
 */
async function scheduleFloodSummary(deps: DomainDeps, chatId: string, at: number): Promise<void> {
  const last = await latestFloodSummary(deps.db, FLOOD_SUMMARY_KIND, chatId);
  if (last && at >= last.windowStart && at < last.windowStart + MINUTE) return;
  const continues = last !== undefined && at >= last.windowStart + MINUTE && at < last.windowStart + 2 * MINUTE;
  const start = continues ? last.windowStart + MINUTE : ((await firstConversationStarted(deps.db, at - MINUTE + 1, at + 1)) ?? at);
  // Not ordered with the chat's other posts: it waits for its window to end, and must not hold them up.
  await enqueueOutbox(deps.db, FLOOD_SUMMARY_KIND, { chatId, windowStart: start }, start, {
    id: `flood:${chatId}:${start}`,
    dueAt: start + MINUTE,
    ordered: false,
  });
}

/** How many conversations started in a summary's window. */
export function floodSummaryCount(deps: DomainDeps, windowStart: number): Promise<number> {
  return countConversationsStarted(deps.db, windowStart, windowStart + MINUTE);
}
