import { randomUUID } from "node:crypto";
import type { Selectable } from "kysely";
import type { Db } from "../database.ts";
import type { OutboxTable } from "../schema.ts";

export type OutboxRow = Selectable<OutboxTable>;

/** Queues an outgoing notification; call inside the transaction that records what it announces. */
export async function enqueueOutbox(db: Db, kind: string, payload: unknown, at: number): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto("outbox")
    .values({ id, kind, payload: JSON.stringify(payload), status: "pending", attempts: 0, next_attempt_at: at, last_error: null, created_at: at, sent_at: null })
    .execute();
  return id;
}

export async function countPendingOutbox(db: Db): Promise<number> {
  const row = await db
    .selectFrom("outbox")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("status", "=", "pending")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Due rows, oldest first. A row is only worked on after `claimOutbox` succeeds for it. */
export function dueOutbox(db: Db, now: number, limit: number): Promise<OutboxRow[]> {
  return db
    .selectFrom("outbox")
    .selectAll()
    .where("status", "=", "pending")
    .where("next_attempt_at", "<=", now)
    .orderBy("created_at")
    .orderBy("id")
    .limit(limit)
    .execute();
}

/**
 * Leases a row until `leaseUntil` by moving its next attempt forward, only if nobody else did
 * first: safe on several nodes, on SQLite and PostgreSQL alike. A crash leaves the lease to expire.
 */
export async function claimOutbox(db: Db, row: OutboxRow, leaseUntil: number): Promise<boolean> {
  const result = await db
    .updateTable("outbox")
    .set({ next_attempt_at: leaseUntil, attempts: row.attempts + 1 })
    .where("id", "=", row.id)
    .where("status", "=", "pending")
    .where("next_attempt_at", "=", row.next_attempt_at)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export function markOutboxSent(db: Db, id: string, at: number): Promise<unknown> {
  return db.updateTable("outbox").set({ status: "sent", sent_at: at, last_error: null }).where("id", "=", id).execute();
}

export function retryOutboxAt(db: Db, id: string, at: number, error: string): Promise<unknown> {
  return db.updateTable("outbox").set({ next_attempt_at: at, last_error: error.slice(0, 500) }).where("id", "=", id).execute();
}

export function markOutboxDead(db: Db, id: string, error: string): Promise<unknown> {
  return db.updateTable("outbox").set({ status: "dead", last_error: error.slice(0, 500) }).where("id", "=", id).execute();
}
