import { countAgents } from "../adapters/db/repositories/agents.ts";
import { consumeOneTimeToken, expireOneTimeTokens, insertOneTimeToken } from "../adapters/db/repositories/challenges.ts";
import { type AgentView, createAgent, validateNewAgent } from "./agents.ts";
import { hashToken, newToken } from "./auth/secrets.ts";
import { unauthorized } from "./errors.ts";
import type { DomainDeps } from "./ports.ts";

export const SETUP_LINK_TTL_MS = 60 * 60 * 1000;

/**
 * On a fresh install (no agent yet) returns a one-time link that creates the first admin.
 * Each call retires the previous link, so only the one printed last works.
 */
export async function issueSetupLink(deps: DomainDeps): Promise<string | undefined> {
  if ((await countAgents(deps.db)) > 0) return undefined;
  const now = deps.clock.now();
  const token = newToken();
  await expireOneTimeTokens(deps.db, "setup", null, now);
  await insertOneTimeToken(deps.db, {
    token_hash: hashToken(deps.keys.tokenHash, token),
    purpose: "setup",
    agent_id: null,
    created_at: now,
    expires_at: now + SETUP_LINK_TTL_MS,
    used_at: null,
  });
  // The token travels in the fragment, which browsers never send to the server or to logs.
  return `${deps.publicUrl}/console/setup#${token}`;
}

export async function isSetupNeeded(deps: DomainDeps): Promise<boolean> {
  return (await countAgents(deps.db)) === 0;
}

export interface SetupInput {
  token: string;
  username: string;
  name: string;
  password: string;
  ip: string | null;
}

/** Creates the first admin with a setup link. The link works once, and only while no agent exists. */
export async function completeSetup(deps: DomainDeps, input: SetupInput): Promise<AgentView> {
  const now = deps.clock.now();
  const spent = () => unauthorized("setup_token_invalid", "This setup link has expired or was already used. Restart destek for a new one.");
  if ((await countAgents(deps.db)) > 0) throw spent();
  // Validate before using the link up, so a typo in the form does not burn it.
  const agent = { username: input.username, name: input.name, password: input.password, role: "admin" as const };
  validateNewAgent(agent);
  const token = await consumeOneTimeToken(deps.db, hashToken(deps.keys.tokenHash, input.token), "setup", now);
  if (!token) throw spent();
  return createAgent(deps, { type: "anonymous", ip: input.ip }, agent);
}
