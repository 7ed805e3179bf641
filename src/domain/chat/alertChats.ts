import type { Db } from "../../adapters/db/database.ts";
import { findAgentById } from "../../adapters/db/repositories/agents.ts";
import type { ConversationRow } from "../../adapters/db/repositories/chat.ts";
import type { DomainDeps } from "../ports.ts";
import { teamAlertChats } from "../settings/teamChat.ts";

/** The team chat plus the assignee's own linked chat, each once. */
export async function alertChats(db: Db, deps: DomainDeps, conversation: ConversationRow): Promise<string[]> {
  if (!deps.telegram) return [];
  const chats = new Set(await teamAlertChats(deps, db));
  if (conversation.assignee_id) {
    const assignee = await findAgentById(db, conversation.assignee_id);
    if (assignee?.telegram_chat_id && !assignee.disabled_at) chats.add(assignee.telegram_chat_id);
  }
  return [...chats];
}
