import { randomUUID } from "node:crypto";
import type { Selectable } from "kysely";
import type { Db } from "../database.ts";
import type { AuditLogTable } from "../schema.ts";

export type AuditRow = Selectable<AuditLogTable>;
export type AuditEntry = Omit<AuditRow, "id" | "details"> & { details?: Record<string, unknown> };

export function insertAudit(db: Db, entry: AuditEntry): Promise<unknown> {
  const { details, ...rest } = entry;
  return db
    .insertInto("audit_log")
    .values({ id: randomUUID(), ...rest, details: details ? JSON.stringify(details) : null })
    .execute();
}

/** Newest first; `before` continues strictly after the row at (at, id) of a previous page. */
export function listAudit(
  db: Db,
  options: { limit: number; actorId?: string | undefined; action?: string | undefined; before?: { at: number; id: string } | undefined },
): Promise<AuditRow[]> {
  let query = db.selectFrom("audit_log").selectAll().orderBy("at", "desc").orderBy("id", "desc").limit(options.limit);
  if (options.actorId) query = query.where("actor_id", "=", options.actorId);
  if (options.action) query = query.where("action", "=", options.action);
  const before = options.before;
  if (before) {
    query = query.where((eb) => eb.or([eb("at", "<", before.at), eb.and([eb("at", "=", before.at), eb("id", "<", before.id)])]));
  }
  return query.execute();
}
