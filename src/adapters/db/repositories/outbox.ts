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
