import {
  type AgentRow,
  findAgentById,
  findAgentByTelegramChat,
  updateAgent,
} from "../../adapters/db/repositories/agents.ts";
import { consumeOneTimeToken, expireOneTimeTokens, insertOneTimeToken } from "../../adapters/db/repositories/challenges.ts";
import { audit } from "../audit.ts";
import { conflict } from "../errors.ts";
import { text } from "../i18n.ts";
import type { Actor, DomainDeps } from "../ports.ts";
import { hashToken, newToken } from "./secrets.ts";

export const TELEGRAM_LINK_TTL_MS = 15 * 60 * 1000;

export function requireTelegram(deps: DomainDeps) {
  if (!deps.telegram) throw conflict("telegram_not_configured", "Telegram is not set up on this server (TELEGRAM_BOT_TOKEN).");
  return deps.telegram;
}

/** A `t.me/<bot>?start=<token>` link; opening it and pressing Start links that chat to the agent. */
export async function createTelegramLink(deps: DomainDeps, agent: AgentRow): Promise<{ link: string; expiresAt: string }> {
  const telegram = requireTelegram(deps);
  const now = deps.clock.now();
  const token = newToken(24); // 32 characters: Telegram allows up to 64 in a start parameter
  await expireOneTimeTokens(deps.db, "telegram_link", agent.id, now);
  await insertOneTimeToken(deps.db, {
    token_hash: hashToken(deps.keys.tokenHash, token),
    purpose: "telegram_link",
    agent_id: agent.id,
    created_at: now,
    expires_at: now + TELEGRAM_LINK_TTL_MS,
    used_at: null,
  });
  return { link: `https://t.me/${await telegram.botUsername()}?start=${token}`, expiresAt: new Date(now + TELEGRAM_LINK_TTL_MS).toISOString() };
}

export type LinkResult = { linked: true; agent: AgentRow } | { linked: false; reason: "invalid" | "not_private" };

/** Handles `/start <token>` from a Telegram chat, and tells the chat what happened. */
export async function linkTelegramChat(
  deps: DomainDeps,
  input: { token: string; chatId: string; privateChat: boolean },
): Promise<LinkResult> {
  const telegram = requireTelegram(deps);
  const now = deps.clock.now();
  const reply = (message: string) => telegram.sendText(input.chatId, message);
  if (!input.privateChat) {
    await reply(text("telegramLinkPrivateOnly", deps.defaultLanguage));
    return { linked: false, reason: "not_private" };
  }
  const token = await consumeOneTimeToken(deps.db, hashToken(deps.keys.tokenHash, input.token), "telegram_link", now);
  const agent = token?.agent_id ? await findAgentById(deps.db, token.agent_id) : undefined;
  if (!agent || agent.disabled_at !== null) {
    await reply(text("telegramLinkInvalid", deps.defaultLanguage));
    return { linked: false, reason: "invalid" };
  }
  // One chat belongs to one agent: moving it releases the previous owner's link.
  const previous = await findAgentByTelegramChat(deps.db, input.chatId);
  if (previous && previous.id !== agent.id) await updateAgent(deps.db, previous.id, { telegram_chat_id: null, updated_at: now });
  await updateAgent(deps.db, agent.id, { telegram_chat_id: input.chatId, updated_at: now });
  const actor: Actor = { type: "agent", agentId: agent.id, sessionId: "telegram", role: agent.role };
  await audit(deps.db, now, { actor, action: "auth.telegram_linked", details: { chatId: input.chatId } });
  await reply(text("telegramLinked", agent.language ?? deps.defaultLanguage, agent.name));
  return { linked: true, agent: { ...agent, telegram_chat_id: input.chatId } };
}
