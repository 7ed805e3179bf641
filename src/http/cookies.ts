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
