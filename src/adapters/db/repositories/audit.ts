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

export function listAudit(db: Db, options: { limit: number; actorId?: string; action?: string }): Promise<AuditRow[]> {
  let query = db.selectFrom("audit_log").selectAll().orderBy("at", "desc").limit(options.limit);
  if (options.actorId) query = query.where("actor_id", "=", options.actorId);
  if (options.action) query = query.where("action", "=", options.action);
  return query.execute();
}
