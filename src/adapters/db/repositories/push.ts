import type { Selectable } from "kysely";
import type { Db } from "../database.ts";
import type { PushKeysTable, PushSubscriptionsTable } from "../schema.ts";

export type PushSubscriptionRow = Selectable<PushSubscriptionsTable>;
export type PushKeysRow = Selectable<PushKeysTable>;

/** The agent's devices, newest first. */
export function pushSubscriptionsOf(db: Db, agentId: string): Promise<PushSubscriptionRow[]> {
  return db.selectFrom("push_subscriptions").selectAll().where("agent_id", "=", agentId).orderBy("created_at", "desc").orderBy("id").execute();
}

export function findPushSubscription(db: Db, id: string): Promise<PushSubscriptionRow | undefined> {
  return db.selectFrom("push_subscriptions").selectAll().where("id", "=", id).executeTakeFirst();
}

/**
 * Stores a browser's subscription for `row.agent_id`. The endpoint is the browser's: subscribing
 * again (new keys, or another agent signed in on the same browser) replaces the earlier row.
 */
export async function savePushSubscription(db: Db, row: PushSubscriptionRow): Promise<PushSubscriptionRow> {
  await db
    .insertInto("push_subscriptions")
    .values(row)
    .onConflict((oc) =>
      oc.column("endpoint").doUpdateSet({ agent_id: row.agent_id, p256dh: row.p256dh, auth: row.auth, device: row.device, created_at: row.created_at }),
    )
    .execute();
  return (await db.selectFrom("push_subscriptions").selectAll().where("endpoint", "=", row.endpoint).executeTakeFirstOrThrow()) as PushSubscriptionRow;
}

/** Removes one subscription; `agentId` limits it to that agent's own. True when one was removed. */
export async function deletePushSubscription(db: Db, id: string, agentId?: string): Promise<boolean> {
  let query = db.deleteFrom("push_subscriptions").where("id", "=", id);
  if (agentId !== undefined) query = query.where("agent_id", "=", agentId);
  return (await query.executeTakeFirst()).numDeletedRows > 0n;
}

/** A subscription whose agent is still enabled: what a queued push is delivered to (a disabled agent's devices hear nothing more). */
export function findDeliverablePushSubscription(db: Db, id: string): Promise<PushSubscriptionRow | undefined> {
  return db
    .selectFrom("push_subscriptions as s")
    .innerJoin("agents as a", "a.id", "s.agent_id")
    .selectAll("s")
    .where("s.id", "=", id)
    .where("a.disabled_at", "is", null)
    .executeTakeFirst();
}

export function markPushSent(db: Db, id: string, at: number): Promise<unknown> {
  return db.updateTable("push_subscriptions").set({ last_sent_at: at }).where("id", "=", id).execute();
}

export interface PushRecipient {
  subscriptionId: string;
  agentId: string;
  language: "tr" | "en" | null;
}

/** The subscriptions of enabled agents who see `inboxId`: its members and every admin. */
export function pushRecipientsOfInbox(db: Db, inboxId: string): Promise<PushRecipient[]> {
  return db
    .selectFrom("push_subscriptions as s")
    .innerJoin("agents as a", "a.id", "s.agent_id")
    .select(["s.id as subscriptionId", "a.id as agentId", "a.language as language"])
    .where("a.disabled_at", "is", null)
    .where((eb) =>
      eb.or([
        eb("a.role", "=", "admin"),
        eb.exists(eb.selectFrom("inbox_members as m").select("m.agent_id").whereRef("m.agent_id", "=", "a.id").where("m.inbox_id", "=", inboxId)),
      ]),
    )
    .orderBy("s.id")
    .execute();
}

/** Whether any enabled agent has a push device: then a call can ring someone without a console open. */
export async function anyPushDevice(db: Db): Promise<boolean> {
  const row = await db
    .selectFrom("push_subscriptions as s")
    .innerJoin("agents as a", "a.id", "s.agent_id")
    .select("s.id")
    .where("a.disabled_at", "is", null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** The subscriptions of one enabled agent. */
export function pushRecipientsOfAgent(db: Db, agentId: string): Promise<PushRecipient[]> {
  return db
    .selectFrom("push_subscriptions as s")
    .innerJoin("agents as a", "a.id", "s.agent_id")
    .select(["s.id as subscriptionId", "a.id as agentId", "a.language as language"])
    .where("a.id", "=", agentId)
    .where("a.disabled_at", "is", null)
    .orderBy("s.id")
    .execute();
}

/** The install's VAPID key pair, if made yet. */
export function findPushKeys(db: Db): Promise<PushKeysRow | undefined> {
  return db.selectFrom("push_keys").selectAll().where("id", "=", "vapid").executeTakeFirst();
}

/** Stores a key pair unless another node stored one first; either way returns the one that is kept. */
export async function savePushKeysOnce(db: Db, keys: { publicKey: string; privateKey: string }, at: number): Promise<PushKeysRow> {
  await db
    .insertInto("push_keys")
    .values({ id: "vapid", public_key: keys.publicKey, private_key: keys.privateKey, created_at: at })
    .onConflict((oc) => oc.column("id").doNothing())
    .execute();
  return (await findPushKeys(db)) as PushKeysRow;
}
