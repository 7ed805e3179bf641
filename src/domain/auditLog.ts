import { findAgentByUsername, listAgents } from "../adapters/db/repositories/agents.ts";
import { type AuditRow, listAudit } from "../adapters/db/repositories/audit.ts";
import { contactNames } from "../adapters/db/repositories/contacts.ts";
import { listInboxRows } from "../adapters/db/repositories/inboxes.ts";
import type { AuditEntry, AuditPage } from "../protocol/team.ts";
import { normalizeUsername } from "./agents.ts";
import { decodePageCursor, encodePageCursor } from "./pageCursor.ts";
import type { DomainDeps } from "./ports.ts";

function parseDetails(details: string | null): Record<string, unknown> | null {
  if (details === null) return null;
  try {
    const value: unknown = JSON.parse(details);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A page of the audit log, newest first, with agent names resolved; filters by actor username and action. */
export async function readAuditLog(
  deps: DomainDeps,
  query: { actor?: string | undefined; action?: string | undefined; cursor?: string | undefined; limit: number },
): Promise<AuditPage> {
  const before = query.cursor === undefined ? undefined : decodePageCursor(query.cursor);
  let actorId: string | undefined;
  if (query.actor !== undefined) {
    const agent = await findAgentByUsername(deps.db, normalizeUsername(query.actor));
    if (!agent) return { entries: [], nextCursor: null };
    actorId = agent.id;
  }
  const rows = await listAudit(deps.db, { limit: query.limit + 1, actorId, action: query.action, before });
  const page = rows.slice(0, query.limit);
  const names = new Map((await listAgents(deps.db)).map((a) => [a.id, a.name]));
  const contactIds = [...new Set(page.filter((row) => row.target_type === "contact" && row.target_id).map((row) => row.target_id as string))];
  const contacts = await contactNames(deps.db, contactIds);
  const inboxes = new Map((await listInboxRows(deps.db)).map((i) => [i.id, i.name]));
  const last = page.at(-1);
  return {
    entries: page.map((row) => present(row, names, contacts, inboxes)),
    nextCursor: rows.length > query.limit && last ? encodePageCursor(last.at, last.id) : null,
  };
}

function present(row: AuditRow, names: Map<string, string>, contacts: Map<string, string | null>, inboxes: Map<string, string>): AuditEntry {
  const targetName = (type: string, id: string) =>
    (type === "agent" ? names.get(id) : type === "contact" ? contacts.get(id) : type === "inbox" ? inboxes.get(id) : undefined) ?? null;
  return {
    id: row.id,
    at: new Date(row.at).toISOString(),
    actor: { type: row.actor_type, id: row.actor_id, name: row.actor_id === null ? null : (names.get(row.actor_id) ?? null) },
    action: row.action,
    target:
      row.target_type === null || row.target_id === null
        ? null
        : { type: row.target_type, id: row.target_id, name: targetName(row.target_type, row.target_id) },
    ip: row.ip,
    details: parseDetails(row.details),
  };
}
