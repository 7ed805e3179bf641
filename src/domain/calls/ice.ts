import { createHmac } from "node:crypto";
import type { IceServer } from "../../protocol/calls.ts";

/** How long an answered call's TURN credential lasts: enough to connect and reconnect; re-issued on `call:open`. */
export const LIVE_TURN_TTL_S = 10 * 60;
/** Added to the ring timeout for a waiting caller's credential, so it outlives the ringing. */
export const RINGING_TURN_MARGIN_S = 60;

/**
 * The STUN/TURN servers for one call: only what is configured, never a public default. With
 * coturn's shared secret (use-auth-secret), TURN URLs get short-lived credentials per call:
 * username "<expiry>:<callId>", password base64(HMAC-SHA1(secret, username)). Give these only to
 * the participants of a ringing or live call; see `stunServers` for everyone else.
 */
export function iceServersFor(urls: string[], turnSecret: string | undefined, callId: string, nowMs: number, ttlS: number): IceServer[] {
  const turn = urls.filter((u) => u.startsWith("turn"));
  const servers = stunServers(urls);
  if (turn.length) {
    if (turnSecret) {
      const username = `${Math.floor(nowMs / 1000) + ttlS}:${callId}`;
      servers.push({ urls: turn, username, credential: createHmac("sha1", turnSecret).update(username).digest("base64") });
    } else {
      servers.push({ urls: turn });
    }
  }
  return servers;
}

/** The STUN servers alone: public knowledge, no credential, for consoles looking at a waiting call. */
export function stunServers(urls: string[]): IceServer[] {
  const stun = urls.filter((u) => u.startsWith("stun"));
  return stun.length ? [{ urls: stun }] : [];
}
