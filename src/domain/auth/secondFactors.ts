import { type AgentRow, updateAgent } from "../../adapters/db/repositories/agents.ts";
import { audit } from "../audit.ts";
import { conflict, forbidden } from "../errors.ts";
import type { Actor, DomainDeps } from "../ports.ts";
import { agentForTicket, type Client, secondFactors } from "./login.ts";
import { verifyPassword } from "./passwords.ts";
import { firstRecoveryCodes } from "./recoveryCodes.ts";
import { type IssuedSession, startSession } from "./sessions.ts";
import { createTelegramLink } from "./telegramLink.ts";
import { confirmTotpEnrollment, startTotpEnrollment, type TotpEnrollment } from "./totp.ts";

// An agent without any second factor enrols one during sign-in. Once one exists, a password
// alone must never add another: that would let a stolen password bypass the existing factor.
async function agentAwaitingEnrollment(deps: DomainDeps, ticket: string): Promise<AgentRow> {
  const agent = await agentForTicket(deps, ticket);
  if (!secondFactors(deps, agent).enrollmentRequired) {
    throw forbidden("enrollment_not_allowed", "This account already has a second factor. Use it to sign in.");
  }
  return agent;
}

const ticketActor = (agent: AgentRow): Actor => ({ type: "agent", agentId: agent.id, sessionId: "sign-in", role: agent.role });

export async function enrollTelegramDuringSignIn(deps: DomainDeps, ticket: string) {
  return createTelegramLink(deps, await agentAwaitingEnrollment(deps, ticket));
}

export async function enrollTotpDuringSignIn(deps: DomainDeps, ticket: string): Promise<TotpEnrollment> {
  return startTotpEnrollment(deps, await agentAwaitingEnrollment(deps, ticket));
}

/** Confirms the new authenticator with a code, which also completes this sign-in. */
export async function confirmTotpDuringSignIn(
  deps: DomainDeps,
  input: { ticket: string; code: string } & Client,
): Promise<IssuedSession & { recoveryCodes?: string[] }> {
  const agent = await agentAwaitingEnrollment(deps, input.ticket);
  await confirmTotpEnrollment(deps, ticketActor(agent), agent, input.code);
  // The first second factor brings the recovery codes, shown once on the next screen.
  const recoveryCodes = await firstRecoveryCodes(deps, ticketActor(agent), agent);
  const session = await startSession(deps, await agentForTicket(deps, input.ticket), input);
  return recoveryCodes ? { ...session, recoveryCodes } : session;
}

/**
 * Changing a second factor asks for the password again: a session alone (a stolen access token, an
 * unlocked screen) must not be enough to swap the factor that protects the account.
 */
export async function confirmCurrentPassword(deps: DomainDeps, actor: Actor, agent: AgentRow, password: string): Promise<void> {
  if (await verifyPassword(agent.password_hash, password)) return;
  await audit(deps.db, deps.clock.now(), { actor, action: "auth.reauth_failed", target: { type: "agent", id: agent.id } });
  throw forbidden("password_incorrect", "The current password is wrong.");
}

/** Removes one second factor, refusing to remove the last one. */
export async function removeSecondFactor(deps: DomainDeps, actor: Actor, agent: AgentRow, factor: "telegram" | "totp"): Promise<void> {
  const remaining = factor === "telegram" ? agent.totp_secret !== null : agent.telegram_chat_id !== null;
  if (!remaining) throw conflict("last_second_factor", "Set up another second factor before removing this one.");
  const now = deps.clock.now();
  await updateAgent(deps.db, agent.id, factor === "telegram" ? { telegram_chat_id: null, updated_at: now } : { totp_secret: null, totp_last_step: null, updated_at: now });
  await audit(deps.db, now, { actor, action: `auth.${factor}_removed`, target: { type: "agent", id: agent.id } });
}
