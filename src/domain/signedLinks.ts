import { createHmac } from "node:crypto";
import { constantTimeEqual } from "./auth/secrets.ts";
import type { Clock } from "./ports.ts";

// Expiring signed links to stored bytes (attachments, recordings): what an <img> or <audio> element
// presents, since it cannot send a Bearer token. Each kind signs with its own purpose (and key), so
// a link of one kind never opens another.

export interface LinkKind {
  /** Where the link points, e.g. "/files". */
  path: string;
  /** Signed into every link, so one kind's signature is worthless for another. */
  purpose: string;
  key: Buffer;
  ttlSeconds: number;
}

export function linkSignature(kind: Pick<LinkKind, "purpose" | "key">, id: string, expires: number): string {
  return createHmac("sha256", kind.key).update(`${kind.purpose}:${id}:${expires}`).digest("base64url");
}

/** A same-origin path to one stored item, good until it expires. */
export function signedLink(clock: Clock, kind: LinkKind, id: string): string {
  const expires = Math.floor(clock.now() / 1000) + kind.ttlSeconds;
  return `${kind.path}/${id}?exp=${expires}&sig=${linkSignature(kind, id, expires)}`;
}

/** Whether a link is genuine and still alive, checked in constant time. */
export function linkIsValid(clock: Clock, kind: LinkKind, id: string, expires: number, signature: string): boolean {
  return expires * 1000 >= clock.now() && constantTimeEqual(linkSignature(kind, id, expires), signature);
}
