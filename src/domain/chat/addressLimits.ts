import { DomainError } from "../errors.ts";
import type { AddressLimits, DomainDeps, Origin } from "../ports.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The per-address limits of the anonymous surface; each refusal has its own stable id for the widget. */
export type AddressLimitKind = "handshakes" | "newVisitors" | "newConversations" | "messages" | "uploadBytes" | "calls";

interface Rule {
  limit: (limits: AddressLimits) => number;
  windowMs: number;
  id: string;
  message: string;
}

const RULES: Record<AddressLimitKind, Rule> = {
  handshakes: { limit: (l) => l.handshakesPerMinute, windowMs: MINUTE, id: "too_many_connections", message: "Too many connections from your network." },
  newVisitors: { limit: (l) => l.newVisitorsPerHour, windowMs: HOUR, id: "too_many_new_visitors", message: "Too many new visitors from your network." },
  newConversations: { limit: (l) => l.newConversationsPer12h, windowMs: 12 * HOUR, id: "too_many_new_chats", message: "Too many new chats from your network." },
  messages: { limit: (l) => l.messagesPerMinute, windowMs: MINUTE, id: "too_many_messages", message: "Too many messages from your network." },
  uploadBytes: { limit: (l) => l.uploadBytesPerDay, windowMs: 24 * HOUR, id: "upload_quota_reached", message: "Your network has uploaded as much as it may today." },
  calls: { limit: (l) => l.callsPerDay, windowMs: 24 * HOUR, id: "too_many_calls", message: "Too many calls from your network today." },
};

/** The refusal a client sees: a stable id, a retry time, and a message naming it. */
export function addressLimitError(kind: AddressLimitKind, retryAfterMs: number): DomainError {
  const rule = RULES[kind];
  const minutes = Math.max(1, Math.ceil(retryAfterMs / MINUTE));
  return new DomainError(rule.id, "rate_limited", `${rule.message} Try again in ${minutes} min.`, retryAfterMs);
}

/**
 * Counts `amount` against the address's window in the shared limiter (Redis across nodes) and throws
 * the limit's error once it is exceeded. Keys hold the address, so every node counts the same client.
 */
export async function consumeAddressLimit(deps: DomainDeps, kind: AddressLimitKind, origin: Origin, amount = 1): Promise<void> {
  const rule = RULES[kind];
  const { allowed, retryAfterMs } = await deps.limiter.consume(`address:${kind}:${origin.address}`, rule.limit(deps.chat.addressLimits), rule.windowMs, amount);
  if (!allowed) throw addressLimitError(kind, retryAfterMs);
}
