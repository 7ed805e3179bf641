import { Secret, TOTP } from "otpauth";
import QRCode from "qrcode";
import { advanceTotpStep, type AgentRow, updateAgent } from "../../adapters/db/repositories/agents.ts";
import { audit } from "../audit.ts";
import { conflict, unauthorized } from "../errors.ts";
import type { Actor, DomainDeps } from "../ports.ts";
import { decryptSecret, encryptSecret } from "./secrets.ts";

const PERIOD_S = 30;

export interface TotpEnrollment {
  secret: string;
  uri: string;
  /** The otpauth URI as an SVG QR code, in a data: URL. */
  qr: string;
}

function totpFor(agent: AgentRow, base32: string): TOTP {
  return new TOTP({ issuer: "destek", label: agent.username, algorithm: "SHA1", digits: 6, period: PERIOD_S, secret: Secret.fromBase32(base32) });
}

/** Creates a new authenticator secret, kept pending until the agent proves it with a code. */
export async function startTotpEnrollment(deps: DomainDeps, agent: AgentRow): Promise<TotpEnrollment> {
  const secret = new Secret({ size: 20 }).base32;
  await updateAgent(deps.db, agent.id, { totp_pending_secret: encryptSecret(deps.keys.totpEncryption, secret), updated_at: deps.clock.now() });
  const uri = totpFor(agent, secret).toString();
  const svg = await QRCode.toString(uri, { type: "svg", margin: 1, errorCorrectionLevel: "M" });
  return { secret, uri, qr: `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}` };
}

/** Returns the time step a code matches (±1 step of clock drift), or undefined. */
function matchStep(agent: AgentRow, base32: string, code: string, nowMs: number): number | undefined {
  const delta = totpFor(agent, base32).validate({ token: code, timestamp: nowMs, window: 1 });
  return delta === null ? undefined : Math.floor(nowMs / 1000 / PERIOD_S) + delta;
}

const wrongCode = () => unauthorized("otp_invalid", "That code is not right. Check the time on your phone and try again.");

/** Turns the pending secret into the agent's second factor once a code from it checks out. */
export async function confirmTotpEnrollment(deps: DomainDeps, actor: Actor, agent: AgentRow, code: string): Promise<void> {
  if (!agent.totp_pending_secret) throw conflict("totp_not_started", "Start setting up the authenticator app first.");
  const now = deps.clock.now();
  const pending = decryptSecret(deps.keys.totpEncryption, agent.totp_pending_secret);
  const step = matchStep(agent, pending, code, now);
  if (step === undefined) throw wrongCode();
  await updateAgent(deps.db, agent.id, { totp_secret: agent.totp_pending_secret, totp_pending_secret: null, totp_last_step: step, updated_at: now });
  await audit(deps.db, now, { actor, action: "auth.totp_enabled", target: { type: "agent", id: agent.id } });
}

/** Checks an authenticator code; each code works once (its time step is remembered). */
export async function verifyTotp(deps: DomainDeps, agent: AgentRow, code: string): Promise<void> {
  if (!agent.totp_secret) throw conflict("totp_not_enabled", "No authenticator app is set up for this account.");
  const secret = decryptSecret(deps.keys.totpEncryption, agent.totp_secret);
  const step = matchStep(agent, secret, code, deps.clock.now());
  if (step === undefined || !(await advanceTotpStep(deps.db, agent.id, step))) throw wrongCode();
}
