import type { FastifyReply, FastifyRequest } from "fastify";
import { SESSION_TTL_MS } from "../domain/auth/sessions.ts";

export const REFRESH_COOKIE = "destek_refresh";
// Only the auth endpoints ever see the refresh token.
const PATH = "/api/auth";

export function setRefreshCookie(reply: FastifyReply, token: string, secure: boolean): void {
  reply.setCookie(REFRESH_COOKIE, token, { path: PATH, httpOnly: true, sameSite: "strict", secure, maxAge: SESSION_TTL_MS / 1000 });
}

export function clearRefreshCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(REFRESH_COOKIE, { path: PATH, httpOnly: true, sameSite: "strict", secure });
}

export function readRefreshCookie(request: FastifyRequest): string | undefined {
  const value = request.cookies[REFRESH_COOKIE];
  return value && value.length <= 200 ? value : undefined;
}

export const MEDIA_COOKIE = "destek_media";
// The media-session cookie names the agent's session to the paths an <audio> or <img> element
// loads (it cannot send a Bearer token): recordings are bound to it, and attachment opens are logged
// under it. One cookie per path, as a cookie has exactly one. SameSite=Strict: never sent by
// another site's page or frame (the widget's visitors never carry it).
const MEDIA_PATHS = ["/recordings", "/files"];

/** Sets the media-session cookie (see domain/signedLinks.ts) whenever the console gets an access token. */
export function setMediaCookie(reply: FastifyReply, value: string, secure: boolean): void {
  for (const path of MEDIA_PATHS) {
    reply.setCookie(MEDIA_COOKIE, value, { path, httpOnly: true, sameSite: "strict", secure, maxAge: SESSION_TTL_MS / 1000 });
  }
}

export function clearMediaCookie(reply: FastifyReply, secure: boolean): void {
  for (const path of MEDIA_PATHS) reply.clearCookie(MEDIA_COOKIE, { path, httpOnly: true, sameSite: "strict", secure });
}

export function readMediaCookie(request: FastifyRequest): string | undefined {
  const value = request.cookies[MEDIA_COOKIE];
  return value && value.length <= 200 ? value : undefined;
}
