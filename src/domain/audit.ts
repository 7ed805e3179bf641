import { insertAudit } from "../adapters/db/repositories/audit.ts";
import type { Db } from "../adapters/db/database.ts";
import type { Actor } from "./ports.ts";

export interface AuditInput {
  actor: Actor;
  action: string;
  target?: { type: string; id: string };
  ip?: string | null;
  details?: Record<string, unknown>;
}

/** Appends one line to the audit log (sign-ins, account changes, revocations). */
export function audit(db: Db, at: number, input: AuditInput): Promise<unknown> {
  const { actor } = input;
  return insertAudit(db, {
    at,
    actor_type: actor.type,
    actor_id: actor.type === "agent" ? actor.agentId : null,
    action: input.action,
    target_type: input.target?.type ?? null,
    target_id: input.target?.id ?? null,
    ip: input.ip ?? (actor.type === "anonymous" ? actor.ip : null),
    ...(input.details ? { details: input.details } : {}),
  });
}
