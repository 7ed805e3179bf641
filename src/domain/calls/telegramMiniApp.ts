import { createHmac } from "node:crypto";
import { findAgentByTelegramChat } from "../../adapters/db/repositories/agents.ts";
import { constantTimeEqual } from "../auth/secrets.ts";
import { startSession } from "../auth/sessions.ts";
import { audit } from "../audit.ts";
import { forbidden, notFound, unauthorized } from "../errors.ts";
import type { DomainDeps } from "../ports.ts";
import { checkLink, type LinkKind, signedLink } from "../signedLinks.ts";

// Calls answered inside Telegram. The call alert opens destek's Mini App (`/telegram/app`); Telegram
// hands the page `initData`, signed with a key derived from the bot token. The server checks that
// signature and its age, finds the agent linked to that Telegram user, and gives the page a session
// for the call screen. The page then accepts the call over the agent socket exactly as the console
// does (`call:accept`, one atomic claim), after the microphone was granted, so a WebView that cannot
// capture leaves the call ringing for the others.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** How old Telegram's `initData` may be: a Mini App opened from a call alert signs in right away. */
export const INIT_DATA_MAX_AGE_S = 60 * 60;

/** What a genuine `initData` says: who opened the Mini App, and the `startapp` parameter of a direct link. */
export interface TelegramAppUser {
  userId: string;
  startParam: string | undefined;
  authDate: number;
}

/**
 * Checks Telegram's `initData` (https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app):
 * hash = HMAC-SHA256(data-check-string, HMAC-SHA256(bot token, "WebAppData")), where the data-check-string
 * is every other field as `key=value`, sorted by key, joined by newlines; and `auth_date` no older than `maxAgeS`.
 */
export function verifyInitData(initData: string, botToken: string, nowMs: number, maxAgeS = INIT_DATA_MAX_AGE_S): TelegramAppUser {
  const forged = () => unauthorized("telegram_init_data_invalid", "Telegram's sign-in data is not genuine. Open the Mini App from the bot again.");
  const params = new URLSearchParams(initData);
  const hash = params.get("hash");
  if (!hash || !/^[0-9a-f]{64}$/.test(hash)) throw forged();
  const lines = [...params.entries()]
    .filter(([key]) => key !== "hash")
    .map(([key, value]) => `${key}=${value}`)
    .sort();
  const secret = createHmac("sha256", "WebAppData").update(botToken).digest();
  const expected = createHmac("sha256", secret).update(lines.join("\n")).digest("hex");
  if (!constantTimeEqual(expected, hash)) throw forged();
  const authDate = Number(params.get("auth_date"));
  if (!Number.isSafeInteger(authDate) || authDate <= 0) throw forged();
  const age = nowMs / 1000 - authDate;
  // A little slack for a clock ahead of Telegram's; older than the limit is stale.
  if (age > maxAgeS || age < -60) {
    throw unauthorized("telegram_init_data_stale", "Telegram's sign-in data has expired. Close the Mini App and open it again from the call alert.");
  }
  let user: unknown;
  try {
    user = JSON.parse(params.get("user") ?? "null");
  } catch {
    throw forged();
  }
  const id = (user as { id?: unknown } | null)?.id;
  if (typeof id !== "number" || !Number.isSafeInteger(id)) throw forged();
  return { userId: String(id), startParam: params.get("start_param") ?? undefined, authDate };
}

/**
 * Signs the Telegram user of a genuine `initData` in as the agent linked to them: a session for the
 * Mini App's call screen (no refresh token: the page asks Telegram's data again when it reopens).
 */
export async function signInFromTelegramApp(deps: DomainDeps, input: { initData: string; botToken: string; callId?: string | undefined; ip: string | null; userAgent: string | null }) {
  const who = verifyInitData(input.initData, input.botToken, deps.clock.now());
  // Agents are linked by their private chat with the bot, whose id is their Telegram user id.
  const agent = await findAgentByTelegramChat(deps.db, who.userId);
  if (!agent || agent.disabled_at) {
    throw forbidden("telegram_not_linked", "Your Telegram account is not linked to a destek agent. Link it in the console under Settings.");
  }
  const session = await startSession(deps, agent, { ip: input.ip, userAgent: input.userAgent });
  await audit(deps.db, deps.clock.now(), {
    actor: { type: "agent", agentId: agent.id, sessionId: session.sessionId, role: agent.role },
    action: "auth.telegram_app",
    ip: input.ip,
  });
  // The call comes in the page's address (a `web_app` button) or as `startapp` (a direct link in a group).
  const callId = input.callId ?? who.startParam;
  const browserLink = callId && UUID.test(callId) ? browserCallLink(deps, callId) : null;
  return { accessToken: session.accessToken, expiresIn: session.expiresIn, agent: session.agent, startParam: who.startParam ?? null, browserLink };
}

/** How long an "Accept in browser" link under a call alert opens the call: a ringing call is over well before. */
export const CALL_LINK_TTL_S = 30 * 60;

/** "Accept in browser" links: their own key and purpose, so no other signed link opens a call. */
export const callLinks = (deps: Pick<DomainDeps, "keys">): LinkKind => ({
  path: "/telegram/call",
  purpose: "call-link",
  key: deps.keys.callLinks,
  ttlSeconds: CALL_LINK_TTL_S,
});

/** The alert's `Accept in browser` link: opens the console at the ringing call, for a short while. */
export const browserCallLink = (deps: DomainDeps, callId: string): string => `${deps.publicUrl}${signedLink(deps.clock, callLinks(deps), callId)}`;

/** The console path an "Accept in browser" link leads to, if the link is genuine and alive. */
export function consolePathOfCallLink(deps: DomainDeps, link: { id: string; expires: number; signature: string }): string {
  if (checkLink(deps.clock, callLinks(deps), link, undefined) !== "ok") {
    throw notFound("call_link_invalid", "This call link is invalid or has expired. Open the call from the console.");
  }
  return `/console/calls/${encodeURIComponent(link.id)}`;
}

/** The Mini App's page for a call, as a `web_app` button opens it (Telegram requires HTTPS there). */
export const miniAppUrl = (deps: DomainDeps, callId: string): string => `${deps.publicUrl}/telegram/app?call=${encodeURIComponent(callId)}`;
