import { createHmac } from "node:crypto";
import { constantTimeEqual } from "./auth/secrets.ts";
import type { Clock } from "./ports.ts";

// Expiring signed links to stored bytes (attachments, recordings): what an <img> or <audio> element
// presents, since it cannot send a Bearer token. Each kind signs with its own purpose (and key), so
// a link of one kind never opens another.
//
// A kind may be bound to an agent session (recordings are): its links carry `ses`, an opaque tag of
// the session they were handed to, under the signature. The browser proves which session it holds
// with the media-session cookie (HttpOnly, SameSite=Strict, sent only to the media paths), so a
// copied link does not open for anyone else, nor after that session ended.

export interface LinkKind {
  /** Where the link points, e.g. "/files". */
  path: string;
  /** Signed into every link, so one kind's signature is worthless for another. */
  purpose: string;
  key: Buffer;
  ttlSeconds: number;
  /** Links of this kind open only for the agent session they were handed to. */
  boundToSession?: boolean;
}

const hmac = (key: Buffer, text: string) => createHmac("sha256", key).update(text).digest("base64url");

/** The tag a bound link carries for a session: names it without revealing its id. */
export const sessionTag = (kind: Pick<LinkKind, "purpose" | "key">, sessionId: string): string => hmac(kind.key, `${kind.purpose}:session:${sessionId}`).slice(0, 22);

export function linkSignature(kind: Pick<LinkKind, "purpose" | "key">, id: string, expires: number, tag?: string): string {
  return hmac(kind.key, tag === undefined ? `${kind.purpose}:${id}:${expires}` : `${kind.purpose}:${id}:${expires}:${tag}`);
}

/** A same-origin path to one stored item, good until it expires (and, for a bound kind, for that session only). */
export function signedLink(clock: Clock, kind: LinkKind, id: string, sessionId?: string): string {
  if (kind.boundToSession && sessionId === undefined) throw new Error(`${kind.purpose} links must be bound to a session`);
  const expires = Math.floor(clock.now() / 1000) + kind.ttlSeconds;
  const tag = kind.boundToSession && sessionId !== undefined ? sessionTag(kind, sessionId) : undefined;
  return `${kind.path}/${id}?exp=${expires}${tag ? `&ses=${tag}` : ""}&sig=${linkSignature(kind, id, expires, tag)}`;
}

/** Whether a link is genuine and still alive, checked in constant time. */
export function linkIsValid(clock: Clock, kind: LinkKind, id: string, expires: number, signature: string, tag?: string): boolean {
  if (kind.boundToSession && tag === undefined) return false;
  return expires * 1000 >= clock.now() && constantTimeEqual(linkSignature(kind, id, expires, kind.boundToSession ? tag : undefined), signature);
}

/** What a link presented with a session says: "invalid" (forged, expired), "not_yours" (another or no session) or "ok". */
export function checkLink(
  clock: Clock,
  kind: LinkKind,
  link: { id: string; expires: number; signature: string; tag?: string | undefined },
  sessionId: string | undefined,
): "ok" | "invalid" | "not_yours" {
  if (!linkIsValid(clock, kind, link.id, link.expires, link.signature, link.tag)) return "invalid";
  if (!kind.boundToSession) return "ok";
  return sessionId !== undefined && link.tag !== undefined && constantTimeEqual(sessionTag(kind, sessionId), link.tag) ? "ok" : "not_yours";
}

/** The value of the media-session cookie: a session id with a signature, so no one can make one up. */
export const mediaSessionToken = (key: Buffer, sessionId: string): string => `${sessionId}.${hmac(key, `media-session:${sessionId}`)}`;

/** The session id a media-session cookie names, if it is genuine. */
export function mediaSessionId(key: Buffer, token: string | undefined): string | undefined {
  if (!token || token.length > 200) return undefined;
  const dot = token.indexOf(".");
  if (dot <= 0) return undefined;
  const sessionId = token.slice(0, dot);
  return constantTimeEqual(mediaSessionToken(key, sessionId), token) ? sessionId : undefined;
}
