import { createHmac, timingSafeEqual } from "node:crypto";
import type { Keys } from "../../secrets.ts";

// A reply address names its conversation and proves it with an HMAC under a key of its own purpose:
// reply+<conversation id, 32 hex><signature, 32 hex>@MAIL_REPLY_DOMAIN. Lower-case hex only,
// because mail systems may change the case of the local part.

const SIGNATURE_HEX = 32;

function signature(keys: Keys, idHex: string): string {
  return createHmac("sha256", keys.mailReply).update(`reply:${idHex}`).digest("hex").slice(0, SIGNATURE_HEX);
}

/** The token that leads a mail back to `conversationId`; not guessable without the master secret. */
export function replyToken(keys: Keys, conversationId: string): string {
  const idHex = conversationId.replaceAll("-", "").toLowerCase();
  return `${idHex}${signature(keys, idHex)}`;
}

export function replyAddress(keys: Keys, conversationId: string, domain: string): string {
  return `reply+${replyToken(keys, conversationId)}@${domain}`;
}

/** The conversation a recipient address stands for, or undefined for any other address or a forged token. */
export function conversationOfReplyAddress(keys: Keys, address: string, domain: string): string | undefined {
  const match = /^reply\+([0-9a-f]{32})([0-9a-f]{32})@(.+)$/.exec(address.trim().toLowerCase());
  if (!match || match[3] !== domain.toLowerCase()) return undefined;
  const [, idHex = "", given = ""] = match;
  const expected = signature(keys, idHex);
  if (!timingSafeEqual(Buffer.from(given), Buffer.from(expected))) return undefined;
  return `${idHex.slice(0, 8)}-${idHex.slice(8, 12)}-${idHex.slice(12, 16)}-${idHex.slice(16, 20)}-${idHex.slice(20)}`;
}
