import type { Db } from "../../adapters/db/database.ts";
import { findAgentById } from "../../adapters/db/repositories/agents.ts";
import type { ConversationRow } from "../../adapters/db/repositories/chat.ts";
import { loadInboxSettings } from "../inboxes/inboxSettings.ts";
import type { DomainDeps } from "../ports.ts";
import { teamAlertChats } from "../settings/teamChat.ts";

/**
 * The team chats of an inbox: its own Telegram chat when set, otherwise the install's (as an admin
 * set it, or TELEGRAM_ADMIN_CHAT_ID). `db` is the transaction when called inside one.
 */
export async function inboxTeamChats(db: Db, deps: DomainDeps, inboxId: string): Promise<string[]> {
  const own = (await loadInboxSettings(db, inboxId))?.telegramChatId;
  return own ? [own] : teamAlertChats(deps, db);
}

/** The conversation's inbox team chat plus the assignee's own linked chat, each once. */
export async function alertChats(db: Db, deps: DomainDeps, conversation: ConversationRow): Promise<string[]> {
  if (!deps.telegram) return [];
  const chats = new Set(await inboxTeamChats(db, deps, conversation.inbox_id));
  if (conversation.assignee_id) {
    const assignee = await findAgentById(db, conversation.assignee_id);
    if (assignee?.telegram_chat_id && !assignee.disabled_at) chats.add(assignee.telegram_chat_id);
  }
  return [...chats];
}
