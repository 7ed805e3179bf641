import { randomUUID } from "node:crypto";
import type { Selectable } from "kysely";
import type { Db } from "../database.ts";
import type { ConsentsTable } from "../schema.ts";

export type ConsentRow = Selectable<ConsentsTable>;

/** Whether the visitor agreed to this version of the inbox's privacy notice. */
export async function hasNoticeConsent(db: Db, visitorId: string, inboxId: string, version: string): Promise<boolean> {
  const row = await db
    .selectFrom("consents")
    .select("id")
    .where("visitor_id", "=", visitorId)
    .where("inbox_id", "=", inboxId)
    .where("kind", "=", "privacy_notice")
    .where("version", "=", version)
    .executeTakeFirst();
  return row !== undefined;
}

/** The latest privacy notice version the visitor agreed to in this inbox; null when none. */
export async function latestNoticeConsent(db: Db, visitorId: string, inboxId: string): Promise<string | null> {
  const row = await db
    .selectFrom("consents")
    .select("version")
    .where("visitor_id", "=", visitorId)
    .where("inbox_id", "=", inboxId)
    .where("kind", "=", "privacy_notice")
    .orderBy("created_at", "desc")
    .limit(1)
    .executeTakeFirst();
  return row?.version ?? null;
}

/** Records the visitor's agreement to a notice version; a second one of the same version is no-op. */
export async function insertNoticeConsent(
  db: Db,
  consent: { visitorId: string; inboxId: string; version: string; policyUrl: string | null; at: number },
): Promise<void> {
  await db
    .insertInto("consents")
    .values({
      id: randomUUID(),
      visitor_id: consent.visitorId,
      inbox_id: consent.inboxId,
      kind: "privacy_notice",
      version: consent.version,
      policy_url: consent.policyUrl,
      created_at: consent.at,
    })
    .onConflict((oc) => oc.columns(["visitor_id", "inbox_id", "kind", "version"]).doNothing())
    .execute();
}

/** The consent records of these visitor rows, newest first. */
export function consentRowsOf(db: Db, visitorIds: string[], limit?: number): Promise<ConsentRow[]> {
  if (!visitorIds.length) return Promise.resolve([]);
  const query = db.selectFrom("consents").selectAll().where("visitor_id", "in", visitorIds).orderBy("created_at", "desc").orderBy("id");
  return (limit === undefined ? query : query.limit(limit)).execute();
}

/** Deletes a visitor's consent records (erase); returns how many. */
export async function deleteConsentsOf(db: Db, visitorId: string): Promise<number> {
  return Number((await db.deleteFrom("consents").where("visitor_id", "=", visitorId).executeTakeFirst()).numDeletedRows);
}

/**
 * A contact merge: the merged visitor's consents become the kept one's, so the widget does not ask
 * again. Where both agreed to the same notice version, the kept contact's record stays.
 */
export async function moveConsents(trx: Db, from: string, to: string): Promise<void> {
  const kept = await trx.selectFrom("consents").select(["inbox_id", "kind", "version"]).where("visitor_id", "=", to).execute();
  const keys = new Set(kept.map((c) => `${c.inbox_id}\n${c.kind}\n${c.version}`));
  for (const row of await consentRowsOf(trx, [from])) {
    if (keys.has(`${row.inbox_id}\n${row.kind}\n${row.version}`)) await trx.deleteFrom("consents").where("id", "=", row.id).execute();
    else await trx.updateTable("consents").set({ visitor_id: to }).where("id", "=", row.id).execute();
  }
}
