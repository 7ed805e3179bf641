import { randomUUID } from "node:crypto";
import { type AgentRow, findAgentById, findAgentByUsername } from "../../adapters/db/repositories/agents.ts";
import {
  consumeOtpChallenge,
  countOtpFailure,
  deleteOtpChallenge,
  findActiveOtpChallenge,
  replaceOtpChallenge,
} from "../../adapters/db/repositories/challenges.ts";
import { normalizeUsername } from "../agents.ts";
import { audit } from "../audit.ts";
import { conflict, DomainError, forbidden, rateLimited, unauthorized, unavailable } from "../errors.ts";
import { text } from "../i18n.ts";
import { type DomainDeps, TelegramRefused } from "../ports.ts";
import type { ServerFeatures } from "../../protocol/features.ts";
import { featuresOf } from "../agents.ts";
import { signLoginTicket, verifyLoginTicket } from "./jwt.ts";
import { verifyPassword } from "./passwords.ts";
import { firstRecoveryCodes, useRecoveryCode } from "./recoveryCodes.ts";
import { constantTimeEqual, hashToken, newNumericCode } from "./secrets.ts";
import { type IssuedSession, startSession } from "./sessions.ts";
import { verifyTotp } from "./totp.ts";
import { requireTelegram } from "./telegramLink.ts";

export const OTP_TTL_MS = 5 * 60 * 1000;
export const OTP_MAX_ATTEMPTS = 5;
export const OTP_REQUESTS_PER_MINUTE = 3;

export interface Client {
  ip: string | null;
  userAgent: string | null;
}

export interface PasswordStepResult {
  ticket: string;
  methods: { telegram: boolean; totp: boolean };
  enrollmentRequired: boolean;
  codeSent: boolean;
  /** What a new agent may enrol: Telegram only when a bot is configured. */
  features: ServerFeatures;
}

export function secondFactors(deps: DomainDeps, agent: AgentRow) {
  const methods = { telegram: Boolean(deps.telegram && agent.telegram_chat_id), totp: agent.totp_secret !== null };
  return { methods, enrollmentRequired: !methods.telegram && !methods.totp };
}

/** Step one: username and password. Success yields a ticket for the second factor, never a session. */
export async function signInWithPassword(
  deps: DomainDeps,
  input: { username: string; password: string } & Client,
): Promise<PasswordStepResult> {
  const agent = await findAgentByUsername(deps.db, normalizeUsername(input.username));
  const passwordOk = await verifyPassword(agent?.password_hash, input.password);
  const now = deps.clock.now();
  if (!agent || !passwordOk || agent.disabled_at !== null) {
    await audit(deps.db, now, { actor: { type: "anonymous", ip: input.ip }, action: "auth.password_failed", details: { username: input.username.slice(0, 64) } });
    throw unauthorized("invalid_credentials", "The username or password is wrong.");
  }
  const { methods, enrollmentRequired } = secondFactors(deps, agent);
  const ticket = await signLoginTicket(deps.keys.jwt, agent.id, now);
  let codeSent = false;
  if (methods.telegram) {
    // A failure to send is not a failed sign-in: the console offers "send a new code".
    codeSent = await sendLoginCode(deps, agent, input.ip).then(
      () => true,
      (error: unknown) => {
        if (error instanceof DomainError) return false;
        throw error;
      },
    );
  }
  return { ticket, methods, enrollmentRequired, codeSent, features: featuresOf(deps) };
}

/** Resolves a ticket to its agent; a ticket for a since-disabled agent is dead. */
export async function agentForTicket(deps: DomainDeps, ticket: string): Promise<AgentRow> {
  const agentId = await verifyLoginTicket(deps.keys.jwt, ticket, deps.clock.now());
  const agent = await findAgentById(deps.db, agentId);
  if (!agent || agent.disabled_at !== null) throw unauthorized("ticket_invalid", "This sign-in has expired. Start again.");
  return agent;
}

/** Sends a fresh code to the agent's linked Telegram chat (3 a minute per agent and per address). */
export async function requestLoginCode(deps: DomainDeps, input: { ticket: string } & Client): Promise<void> {
  const agent = await agentForTicket(deps, input.ticket);
  await sendLoginCode(deps, agent, input.ip);
}

async function sendLoginCode(deps: DomainDeps, agent: AgentRow, ip: string | null): Promise<void> {
  const telegram = requireTelegram(deps);
  if (!agent.telegram_chat_id) throw conflict("telegram_not_linked", "Link your Telegram first: open the link and press Start.");
  for (const key of [`otp:agent:${agent.id}`, ...(ip ? [`otp:ip:${ip}`] : [])]) {
    const { allowed, retryAfterMs } = await deps.limiter.consume(key, OTP_REQUESTS_PER_MINUTE, 60_000);
    if (!allowed) throw rateLimited(retryAfterMs);
  }
  const now = deps.clock.now();
  const id = randomUUID();
  const code = newNumericCode();
  await replaceOtpChallenge(deps.db, {
    id,
    agent_id: agent.id,
    code_hash: hashToken(deps.keys.otp, `${id}:${code}`),
    ip,
    created_at: now,
    expires_at: now + OTP_TTL_MS,
    attempts: 0,
    consumed_at: null,
  });
  try {
    await telegram.sendText(agent.telegram_chat_id, text("loginCode", agent.language ?? deps.defaultLanguage, code));
  } catch (error) {
    await deleteOtpChallenge(deps.db, id);
    if (error instanceof TelegramRefused && error.reason === "bot_blocked") {
      throw conflict("telegram_bot_blocked", "The bot is blocked in your linked Telegram chat. Unblock it there (open the chat with the bot and press Restart), then send a new code.");
    }
    if (error instanceof TelegramRefused) {
      throw conflict("telegram_chat_not_found", "Telegram no longer knows your linked chat. Use an authenticator code if you have one, or ask an admin to link your Telegram again.");
    }
    throw unavailable("telegram_unavailable", "The code could not be sent to Telegram. Try again in a moment.");
  }
  await audit(deps.db, now, { actor: { type: "anonymous", ip }, action: "auth.code_sent", target: { type: "agent", id: agent.id } });
}

/** Step two: a Telegram code or an authenticator code. Success starts a session. */
export async function verifySecondFactor(
  deps: DomainDeps,
  input: { ticket: string; code: string; method: "telegram" | "totp" | "recovery"; issueRecoveryCodes?: boolean } & Client,
): Promise<IssuedSession & { recoveryCodesLeft?: number; recoveryCodes?: string[] }> {
  const agent = await agentForTicket(deps, input.ticket);
  if (input.method === "recovery") {
    // A recovery code replaces an existing factor; one without any enrols instead.
    if (secondFactors(deps, agent).enrollmentRequired) throw forbidden("enrollment_required", "Set up a second factor first.");
    const recoveryCodesLeft = await useRecoveryCode(deps, agent, input.code, input.ip);
    return { ...(await startSession(deps, agent, input)), recoveryCodesLeft };
  }
  if (input.method === "totp") {
    const { allowed, retryAfterMs } = await deps.limiter.consume(`totp:agent:${agent.id}`, OTP_MAX_ATTEMPTS, OTP_TTL_MS);
    if (!allowed) throw rateLimited(retryAfterMs);
    await verifyTotp(deps, agent, input.code);
  } else {
    await checkLoginCode(deps, agent, input.code);
  }
  // Right after Telegram was set up during sign-in, the console asks for the first recovery codes
  // (an authenticator enrolment gets them at its confirmation). Only an agent without any gets a set.
  const actor = { type: "agent", agentId: agent.id, sessionId: "sign-in", role: agent.role } as const;
  const recoveryCodes = input.issueRecoveryCodes ? await firstRecoveryCodes(deps, actor, agent) : undefined;
  const session = await startSession(deps, agent, input);
  return recoveryCodes ? { ...session, recoveryCodes } : session;
}

async function checkLoginCode(deps: DomainDeps, agent: AgentRow, code: string): Promise<void> {
  const now = deps.clock.now();
  const challenge = await findActiveOtpChallenge(deps.db, agent.id);
  if (!challenge || challenge.expires_at <= now) {
    throw unauthorized("otp_expired", "This code has expired or was already used. Ask for a new one.");
  }
  if (challenge.attempts >= OTP_MAX_ATTEMPTS) throw lockedOut();
  const matches = constantTimeEqual(hashToken(deps.keys.otp, `${challenge.id}:${code}`), challenge.code_hash);
  if (!matches) {
    const attempts = (await countOtpFailure(deps.db, challenge.id)) ?? OTP_MAX_ATTEMPTS;
    await audit(deps.db, now, { actor: { type: "anonymous", ip: null }, action: "auth.code_failed", target: { type: "agent", id: agent.id }, details: { attempts } });
    if (attempts >= OTP_MAX_ATTEMPTS) throw lockedOut();
    const left = OTP_MAX_ATTEMPTS - attempts;
    throw unauthorized("otp_invalid", `That code is not right. ${left} ${left === 1 ? "try" : "tries"} left.`);
  }
  if (!(await consumeOtpChallenge(deps.db, challenge.id, now, OTP_MAX_ATTEMPTS))) {
    throw unauthorized("otp_expired", "This code has expired or was already used. Ask for a new one.");
  }
}

const lockedOut = () => unauthorized("otp_locked", "Too many wrong codes. Ask for a new code.");
