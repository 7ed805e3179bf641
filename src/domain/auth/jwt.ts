import { errors, type JWTPayload, jwtVerify, SignJWT } from "jose";
import { unauthorized } from "../errors.ts";

export const ACCESS_TOKEN_TTL_S = 15 * 60;
export const LOGIN_TICKET_TTL_S = 10 * 60;

// Separate audiences keep a login ticket from ever being accepted as an access token, and back.
const ACCESS = "destek:access";
const TICKET = "destek:login";
const ISSUER = "destek";

export interface AccessClaims {
  agentId: string;
  sessionId: string;
}

function sign(key: Uint8Array, subject: string, audience: string, ttlS: number, nowMs: number, claims: Record<string, string> = {}): Promise<string> {
  const now = Math.floor(nowMs / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(subject)
    .setIssuer(ISSUER)
    .setAudience(audience)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlS)
    .sign(key);
}

export function signAccessToken(key: Uint8Array, claims: AccessClaims, nowMs: number): Promise<string> {
  return sign(key, claims.agentId, ACCESS, ACCESS_TOKEN_TTL_S, nowMs, { sid: claims.sessionId });
}

export async function verifyAccessToken(key: Uint8Array, token: string, nowMs: number): Promise<AccessClaims> {
  const payload = await verify(key, token, ACCESS, nowMs, "session_invalid", "Your session has expired. Sign in again.");
  if (typeof payload.sid !== "string") throw unauthorized("session_invalid", "Your session has expired. Sign in again.");
  return { agentId: payload.sub, sessionId: payload.sid };
}

/** A short-lived proof that the password step succeeded; the second factor completes it. */
export function signLoginTicket(key: Uint8Array, agentId: string, nowMs: number): Promise<string> {
  return sign(key, agentId, TICKET, LOGIN_TICKET_TTL_S, nowMs);
}

export async function verifyLoginTicket(key: Uint8Array, ticket: string, nowMs: number): Promise<string> {
  const payload = await verify(key, ticket, TICKET, nowMs, "ticket_invalid", "This sign-in has expired. Start again.");
  return payload.sub;
}

async function verify(
  key: Uint8Array,
  token: string,
  audience: string,
  nowMs: number,
  id: string,
  message: string,
): Promise<JWTPayload & { sub: string }> {
  try {
    const { payload } = await jwtVerify(token, key, {
      issuer: ISSUER,
      audience,
      algorithms: ["HS256"],
      currentDate: new Date(nowMs),
    });
    if (typeof payload.sub !== "string") throw unauthorized(id, message);
    return payload as JWTPayload & { sub: string };
  } catch (error) {
    if (error instanceof errors.JOSEError) throw unauthorized(id, message);
    throw error;
  }
}
