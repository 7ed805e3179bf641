import { createHmac } from "node:crypto";
import type { IceServer } from "../../protocol/calls.ts";

const TURN_CREDENTIAL_TTL_S = 6 * 60 * 60;

/**
 * The STUN/TURN servers for one call: only what is configured, never a public default. With
 * coturn's shared secret (use-auth-secret), TURN URLs get short-lived credentials per call:
 * username "<expiry>:<callId>", password base64(HMAC-SHA1(secret, username)).
 */
export function iceServersFor(urls: string[], turnSecret: string | undefined, callId: string, nowMs: number): IceServer[] {
  const stun = urls.filter((u) => u.startsWith("stun"));
  const turn = urls.filter((u) => u.startsWith("turn"));
  const servers: IceServer[] = [];
  if (stun.length) servers.push({ urls: stun });
  if (turn.length) {
    if (turnSecret) {
      const username = `${Math.floor(nowMs / 1000) + TURN_CREDENTIAL_TTL_S}:${callId}`;
      servers.push({ urls: turn, username, credential: createHmac("sha1", turnSecret).update(username).digest("base64") });
    } else {
      servers.push({ urls: turn });
    }
  }
  return servers;
}
