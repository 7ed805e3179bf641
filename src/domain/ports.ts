import type { Db } from "../adapters/db/database.ts";
import type { Keys } from "../secrets.ts";
import type { EventSink } from "./events.ts";
import type { BlobStorage } from "./chat/storage.ts";
import type { SettingsReader } from "./settings/installSettings.ts";

/** Time source; tests move it forward to expire codes and tokens. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Counts events per key in a fixed window; in memory on one node, in Redis across many. */
export interface RateLimiter {
  /** Adds `amount` (1 by default; bytes for upload quotas) and says whether the window is still within `limit`. */
  consume(key: string, limit: number, windowMs: number, amount?: number): Promise<{ allowed: boolean; retryAfterMs: number }>;
}

/** What the domain needs from Telegram. Text is plain; the adapter escapes it. */
export interface TelegramPort {
  /** The bot's username without "@", for t.me links. */
  botUsername(): Promise<string>;
  /** Throws TelegramRefused when Telegram refuses that chat (no retry helps); anything else thrown means Telegram could not be reached. */
  sendText(chatId: string, text: string): Promise<void>;
  /**
   * Deletes a post the bot made. "refused": Telegram will not (a bot may delete its posts only for
   * 48 hours, or the post or chat is gone); anything thrown means Telegram could not be reached.
   */
  deleteMessage(chatId: string, messageId: number): Promise<"deleted" | "refused">;
}

/** Telegram answered, and will not deliver to this chat: the user blocked the bot, or the chat is unknown to it. */
export class TelegramRefused extends Error {
  override name = "TelegramRefused";
  constructor(
    readonly reason: "bot_blocked" | "chat_not_found",
    message: string,
  ) {
    super(message);
  }
}

/** Everything domain functions may touch. Built once in deps.ts; tests build their own. */
export interface DomainDeps {
  db: Db;
  clock: Clock;
  keys: Keys;
  limiter: RateLimiter;
  telegram: TelegramPort | undefined;
  publicUrl: string;
  defaultLanguage: "tr" | "en";
  events: EventSink;
  storage: BlobStorage;
  chat: ChatSettings;
  /** The install's time zone (call days start at its midnight) and the ICE servers browsers get. */
  calls: { timezone: string; iceServers: string[]; turnSecret: string | undefined };
  /** Install-wide settings saved in the console over the environment's: read live (see settings/installSettings.ts). */
  settings: SettingsReader;
}

export interface ChatSettings {
  uploadMaxBytes: number;
  /** Per-address limits of the anonymous surface (see domain/chat/addressLimits.ts). */
  addressLimits: AddressLimits;
  /** Total bytes of attachments kept; undefined means no quota. */
  storageQuotaBytes: number | undefined;
  /** Refuse visitors the site has not verified (see chat/identity.ts). */
  identityRequired: boolean;
}

export interface AddressLimits {
  handshakesPerMinute: number;
  newVisitorsPerHour: number;
  newConversationsPer12h: number;
  messagesPerMinute: number;
  uploadBytesPerDay: number;
  callsPerDay: number;
}

/** Where an anonymous request came from: the client address, as the edge's trusted proxies tell it. */
export interface Origin {
  address: string;
}

/** Who is acting, for authorization and the audit log. */
export type Actor =
  | { type: "agent"; agentId: string; sessionId: string; role: "admin" | "agent" }
  | { type: "system" }
  | { type: "anonymous"; ip: string | null };
