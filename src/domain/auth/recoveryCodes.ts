import { randomInt } from "node:crypto";
import type { AgentRow } from "../../adapters/db/repositories/agents.ts";
import {
  consumeRecoveryCode,
  countUnusedRecoveryCodes,
  hasRecoveryCodes,
  replaceRecoveryCodes,
} from "../../adapters/db/repositories/recoveryCodes.ts";
import { audit } from "../audit.ts";
import { rateLimited, unauthorized } from "../errors.ts";
import type { Actor, DomainDeps } from "../ports.ts";
import { hashToken } from "./secrets.ts";

export const RECOVERY_CODE_COUNT = 10;
export const RECOVERY_ATTEMPTS = 5;
export const RECOVERY_WINDOW_MS = 5 * 60 * 1000;

// No 0/o, 1/l/i: codes are read off paper. 10 characters of 31 is ~49 bits, far beyond guessing
// at five tries per five minutes, so a keyed HMAC (fast) is as good as argon2 here.
const ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";

function newRecoveryCode(): string {
  let code = "";
  for (let i = 0; i < 10; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** Case, spaces and dashes do not matter when a code is typed back. */
export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]/g, "");
}

const hashCode = (deps: DomainDeps, code: string) => hashToken(deps.keys.tokenHash, `recovery:${normalizeRecoveryCode(code)}`);

/** Makes a new set of ten codes, retiring the old set; the plain codes are returned once. */
export async function regenerateRecoveryCodes(deps: DomainDeps, actor: Actor, agent: AgentRow): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const now = deps.clock.now();
  await replaceRecoveryCodes(deps.db, agent.id, codes.map((code) => hashCode(deps, code)), now);
  await audit(deps.db, now, { actor, action: "auth.recovery_codes_generated", target: { type: "agent", id: agent.id } });
  return codes;
}

/** The first set, made when the first second factor is set up; undefined if the agent has one already. */
export async function firstRecoveryCodes(deps: DomainDeps, actor: Actor, agent: AgentRow): Promise<string[] | undefined> {
  if (await hasRecoveryCodes(deps.db, agent.id)) return undefined;
  return regenerateRecoveryCodes(deps, actor, agent);
}

export async function recoveryCodesLeft(deps: DomainDeps, agentId: string): Promise<number> {
  return (await countUnusedRecoveryCodes(deps.db, [agentId])).get(agentId) ?? 0;
}

/** Checks a recovery code at the sign-in code step and uses it up; returns how many remain. */
export async function useRecoveryCode(deps: DomainDeps, agent: AgentRow, code: string, ip: string | null): Promise<number> {
  const { allowed, retryAfterMs } = await deps.limiter.consume(`recovery:agent:${agent.id}`, RECOVERY_ATTEMPTS, RECOVERY_WINDOW_MS);
  if (!allowed) throw rateLimited(retryAfterMs);
  const now = deps.clock.now();
  const actor: Actor = { type: "anonymous", ip };
  const target = { type: "agent", id: agent.id };
  if (!(await consumeRecoveryCode(deps.db, agent.id, hashCode(deps, code), now))) {
    await audit(deps.db, now, { actor, action: "auth.recovery_code_failed", target });
    throw unauthorized("recovery_code_invalid", "That recovery code is not right or was already used.");
  }
  const left = await recoveryCodesLeft(deps, agent.id);
  await audit(deps.db, now, { actor, action: "auth.recovery_code_used", target, details: { left } });
  return left;
}
