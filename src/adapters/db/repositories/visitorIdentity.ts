import type { Db } from "../database.ts";
import type { VisitorRow } from "./chat.ts";
import { indexVisitor, inTransaction } from "./searchIndex.ts";

export function findVisitorByExternalId(db: Db, externalId: string): Promise<VisitorRow | undefined> {
  return db.selectFrom("visitors").selectAll().where("external_id", "=", externalId).executeTakeFirst();
}

/**
 * Marks an anonymous visitor as the site's user `externalId`. Returns false when another visitor
 * already is that user (the unique index decided a race), so the caller links to that one instead.
 */
export async function claimExternalId(db: Db, visitorId: string, externalId: string, profile: { name?: string; email?: string }): Promise<boolean> {
  try {
    // The site's name and e-mail are indexed with the claim, so search and Contacts find the user at once.
    return await inTransaction(db, async (trx) => {
      const claimed = await trx
        .updateTable("visitors")
        .set({ external_id: externalId, ...profile })
        .where("id", "=", visitorId)
        .where("external_id", "is", null)
        .returning(["id", "name", "email", "phone", "company"])
        .executeTakeFirst();
      if (claimed) await indexVisitor(trx, claimed);
      return claimed !== undefined;
    });
  } catch (error) {
    // A unique violation (the message differs per engine): someone else holds the id now.
    if (await findVisitorByExternalId(db, externalId)) return false;
    throw error;
  }
}

/**
 * Makes a further device's token open the verified visitor. The token's own anonymous visitor is
 * retired (its token hash replaced), so the token can only ever lead to the verified one.
 */
export async function linkTokenToVisitor(db: Db, tokenHash: string, visitorId: string, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto("visitor_tokens").values({ token_hash: tokenHash, visitor_id: visitorId, created_at: now }).onConflict((oc) => oc.column("token_hash").doNothing()).execute();
    const own = await trx.selectFrom("visitors").select("id").where("token_hash", "=", tokenHash).executeTakeFirst();
    // `merged_into` folds the device's earlier anonymous conversations into the contact's page.
    if (own) await trx.updateTable("visitors").set({ token_hash: `retired:${own.id}`, merged_into: visitorId, merged_at: now }).where("id", "=", own.id).execute();
  });
}
