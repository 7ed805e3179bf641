import type { Insertable, Selectable } from "kysely";
import type { Db } from "../database.ts";
import type { AccessLogTable } from "../schema.ts";

export type AccessLogRow = Selectable<AccessLogTable>;

export interface AccessLogFilter {
  callId?: string | undefined;
  agentId?: string | undefined;
  conversationId?: string | undefined;
  /** Epoch ms, inclusive. */
  from?: number | undefined;
  /** Epoch ms, exclusive. */
  to?: number | undefined;
}

export async function insertAccessLog(db: Db, row: Insertable<AccessLogTable>): Promise<void> {
  await db.insertInto("access_log").values(row).execute();
}

/** Newest first; `before` continues strictly after the row at (at, id) of a previous page. */
export function listAccessLog(db: Db, filter: AccessLogFilter & { limit: number; before?: { at: number; id: string } | undefined }): Promise<AccessLogRow[]> {
  let query = db.selectFrom("access_log").selectAll().orderBy("at", "desc").orderBy("id", "desc").limit(filter.limit);
  if (filter.callId !== undefined) query = query.where("call_id", "=", filter.callId);
  if (filter.agentId !== undefined) query = query.where("agent_id", "=", filter.agentId);
  if (filter.conversationId !== undefined) query = query.where("conversation_id", "=", filter.conversationId);
  if (filter.from !== undefined) query = query.where("at", ">=", filter.from);
  if (filter.to !== undefined) query = query.where("at", "<", filter.to);
  const before = filter.before;
  if (before) query = query.where((eb) => eb.or([eb("at", "<", before.at), eb.and([eb("at", "=", before.at), eb("id", "<", before.id)])]));
  return query.execute();
}
