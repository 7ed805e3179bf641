import { type Selectable, sql } from "kysely";
import type { Db } from "../database.ts";
import type { WebhookDeliveriesTable, WebhooksTable } from "../schema.ts";

export type WebhookRow = Selectable<WebhooksTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;

export function listWebhooks(db: Db): Promise<WebhookRow[]> {
  return db.selectFrom("webhooks").selectAll().orderBy("created_at").orderBy("id").execute();
}

export function enabledWebhooks(db: Db): Promise<WebhookRow[]> {
  return db.selectFrom("webhooks").selectAll().where("enabled", "=", 1).orderBy("created_at").execute();
}

export async function countWebhooks(db: Db): Promise<number> {
  const row = await db.selectFrom("webhooks").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  return Number(row.n);
}

export function findWebhook(db: Db, id: string): Promise<WebhookRow | undefined> {
  return db.selectFrom("webhooks").selectAll().where("id", "=", id).executeTakeFirst();
}

export function insertWebhook(db: Db, row: WebhookRow): Promise<unknown> {
  return db.insertInto("webhooks").values(row).execute();
}

export function updateWebhook(db: Db, id: string, changes: Partial<Omit<WebhookRow, "id" | "created_at">>): Promise<unknown> {
  return db.updateTable("webhooks").set(changes).where("id", "=", id).execute();
}

/** Deletes a webhook with its delivery log (explicitly too: a SQLite connection without foreign_keys would keep them). */
export async function deleteWebhook(db: Db, id: string): Promise<void> {
  await db.deleteFrom("webhook_deliveries").where("webhook_id", "=", id).execute();
  await db.deleteFrom("webhooks").where("id", "=", id).execute();
}

export function insertDeliveries(db: Db, rows: WebhookDeliveryRow[]): Promise<unknown> {
  return rows.length === 0 ? Promise.resolve() : db.insertInto("webhook_deliveries").values(rows).execute();
}

export function findDelivery(db: Db, webhookId: string, id: string): Promise<WebhookDeliveryRow | undefined> {
  return db.selectFrom("webhook_deliveries").selectAll().where("id", "=", id).where("webhook_id", "=", webhookId).executeTakeFirst();
}

/** A webhook's deliveries, newest first: the console's delivery log. */
export function deliveriesOf(db: Db, webhookId: string, limit: number): Promise<WebhookDeliveryRow[]> {
  return db
    .selectFrom("webhook_deliveries")
    .selectAll()
    .where("webhook_id", "=", webhookId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

/**
 * Due deliveries, oldest first, leaving out each one that has an earlier pending delivery of the
 * same webhook and conversation (waiting for its retry, or leased by a worker mid-post): a
 * conversation's events reach each receiver in order, whichever node sends them. Only enabled
 * webhooks' rows are due; a disabled webhook's wait until it is enabled again.
 */
export function dueDeliveries(db: Db, now: number, limit: number): Promise<WebhookDeliveryRow[]> {
  return db
    .selectFrom("webhook_deliveries")
    .selectAll("webhook_deliveries")
    .innerJoin("webhooks", "webhooks.id", "webhook_deliveries.webhook_id")
    .where("webhooks.enabled", "=", 1)
    .where("webhook_deliveries.status", "=", "pending")
    .where("webhook_deliveries.next_attempt_at", "<=", now)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("webhook_deliveries as earlier")
            .select(sql`1`.as("one"))
            .whereRef("earlier.webhook_id", "=", "webhook_deliveries.webhook_id")
            .whereRef("earlier.order_key", "=", "webhook_deliveries.order_key")
            .where("earlier.status", "=", "pending")
            .where((inner) =>
              inner.or([
                inner("earlier.created_at", "<", inner.ref("webhook_deliveries.created_at")),
                inner.and([inner("earlier.created_at", "=", inner.ref("webhook_deliveries.created_at")), inner("earlier.id", "<", inner.ref("webhook_deliveries.id"))]),
              ]),
            ),
        ),
      ),
    )
    .orderBy("webhook_deliveries.created_at")
    .orderBy("webhook_deliveries.id")
    .limit(limit)
    .execute();
}

/**
 * Leases a delivery to `owner` until `leaseUntil` by moving its next attempt forward, only if
 * nobody else did first: on several nodes one of them posts it. A crash leaves the lease to expire.
 */
export async function claimDelivery(db: Db, row: WebhookDeliveryRow, owner: string, leaseUntil: number, now: number): Promise<boolean> {
  const result = await db
    .updateTable("webhook_deliveries")
    .set({ next_attempt_at: leaseUntil, attempts: row.attempts + 1, lease_owner: owner, last_attempt_at: now })
    .where("id", "=", row.id)
    .where("status", "=", "pending")
    .where("next_attempt_at", "=", row.next_attempt_at)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Records a try's outcome for the worker holding the lease; does nothing once another has it. */
export function settleDelivery(
  db: Db,
  id: string,
  owner: string,
  changes: Pick<Partial<WebhookDeliveryRow>, "status" | "next_attempt_at" | "delivered_at" | "response_status" | "response_snippet" | "last_error">,
): Promise<unknown> {
  return db
    .updateTable("webhook_deliveries")
    .set({ ...changes, lease_owner: null })
    .where("id", "=", id)
    .where("status", "=", "pending")
    .where("lease_owner", "=", owner)
    .execute();
}

/** Drops finished deliveries older than `before`: the log keeps recent history, not every event ever. */
export async function pruneDeliveries(db: Db, before: number): Promise<number> {
  const result = await db.deleteFrom("webhook_deliveries").where("status", "in", ["delivered", "failed"]).where("created_at", "<", before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
