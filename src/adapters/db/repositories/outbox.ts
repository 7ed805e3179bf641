import { randomBytes } from "node:crypto";
import { type Selectable, sql } from "kysely";
import type { Db } from "../database.ts";
import type { OutboxTable } from "../schema.ts";

export type OutboxRow = Selectable<OutboxTable>;

let lastIdAt = 0;
let sameMsCount = 0;

/**
 * Ids that sort in the order this process queued them, even within one millisecond: rows of one
 * chat are sent in (created_at, id) order. Across processes, created_at is the only order there is.
 */
function outboxId(at: number): string {
  sameMsCount = at === lastIdAt ? sameMsCount + 1 : 0;
  lastIdAt = at;
  return `${at.toString(36).padStart(9, "0")}-${sameMsCount.toString(36).padStart(4, "0")}-${randomBytes(6).toString("hex")}`;
}

/**
 * Queues an outgoing notification; call inside the transaction that records what it announces.
 * `payload.chatId` is the Telegram chat: that chat's rows are delivered one after another, in order.
 */
export async function enqueueOutbox(
  db: Db,
  kind: string,
  payload: unknown,
  at: number,
  options: { id?: string; dueAt?: number; ordered?: boolean } = {},
): Promise<string> {
  const id = options.id ?? outboxId(at);
  const chatId = (payload as { chatId?: unknown } | null)?.chatId;
  await db
    .insertInto("outbox")
    .values({
      id,
      kind,
      payload: JSON.stringify(payload),
      status: "pending",
      attempts: 0,
      next_attempt_at: options.dueAt ?? at,
      last_error: null,
      created_at: at,
      sent_at: null,
      chat_id: typeof chatId === "string" && options.ordered !== false ? chatId : null,
      parts_sent: 0,
      lease_owner: null,
    })
    .onConflict((oc) => oc.column("id").doNothing())
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

/**
 * Due rows, oldest first, leaving out every row of a chat that has an older row still waiting (for
 * a retry, or leased by a worker mid-send): a chat's posts never overtake each other, on any node.
 * A row is only worked on after `claimOutbox` succeeds for it. `kindPrefix` picks one worker's rows.
 */
export function dueOutbox(db: Db, now: number, limit: number, kindPrefix: "telegram." | "email." | "push."): Promise<OutboxRow[]> {
  return db
    .selectFrom("outbox")
    .selectAll()
    .where("status", "=", "pending")
    // Each worker takes its own kinds: Telegram posts and e-mails never wait for each other.
    .where("kind", "like", `${kindPrefix}%`)
    .where("next_attempt_at", "<=", now)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("outbox as earlier")
            .select(sql`1`.as("one"))
            .whereRef("earlier.chat_id", "=", "outbox.chat_id")
            .where("earlier.status", "=", "pending")
            .where("earlier.next_attempt_at", ">", now)
            .where((inner) =>
              inner.or([
                inner("earlier.created_at", "<", inner.ref("outbox.created_at")),
                inner.and([inner("earlier.created_at", "=", inner.ref("outbox.created_at")), inner("earlier.id", "<", inner.ref("outbox.id"))]),
              ]),
            ),
        ),
      ),
    )
    .orderBy("created_at")
    .orderBy("id")
    .limit(limit)
    .execute();
}

/**
 * Leases a row to `owner` until `leaseUntil` by moving its next attempt forward, only if nobody
 * else did first: safe on several nodes, on SQLite and PostgreSQL alike. A crash leaves the lease
 * to expire.
 */
export async function claimOutbox(db: Db, row: OutboxRow, owner: string, leaseUntil: number): Promise<boolean> {
  const result = await db
    .updateTable("outbox")
    .set({ next_attempt_at: leaseUntil, attempts: row.attempts + 1, lease_owner: owner })
    .where("id", "=", row.id)
    .where("status", "=", "pending")
    .where("next_attempt_at", "=", row.next_attempt_at)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Extends `owner`'s lease; false when the row is no longer leased to it (taken over, or done). */
export async function renewOutboxLease(db: Db, id: string, owner: string, leaseUntil: number): Promise<boolean> {
  const result = await db
    .updateTable("outbox")
    .set({ next_attempt_at: leaseUntil })
    .where("id", "=", id)
    .where("status", "=", "pending")
    .where("lease_owner", "=", owner)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Records that `partsSent` posts of the row are delivered; false when `owner` lost the lease. */
export async function recordOutboxPart(db: Db, id: string, owner: string, partsSent: number): Promise<boolean> {
  const result = await db
    .updateTable("outbox")
    .set({ parts_sent: partsSent })
    .where("id", "=", id)
    .where("status", "=", "pending")
    .where("lease_owner", "=", owner)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

// The calls below settle a row for the worker holding its lease, and do nothing once another has it.

export function markOutboxSent(db: Db, id: string, owner: string, at: number): Promise<unknown> {
  return settle(db, id, owner, { status: "sent", sent_at: at, last_error: null });
}

/** Held back by an alert flood: counted in a summary post instead of posted. */
export function markOutboxSummarized(db: Db, id: string, owner: string, at: number): Promise<unknown> {
  return settle(db, id, owner, { status: "summarized", sent_at: at });
}

export function retryOutboxAt(db: Db, id: string, owner: string, at: number, error: string): Promise<unknown> {
  return settle(db, id, owner, { next_attempt_at: at, last_error: error.slice(0, 500) });
}

export function markOutboxDead(db: Db, id: string, owner: string, error: string): Promise<unknown> {
  return settle(db, id, owner, { status: "dead", last_error: error.slice(0, 500) });
}

function settle(db: Db, id: string, owner: string, changes: Partial<Omit<OutboxRow, "id">>): Promise<unknown> {
  return db
    .updateTable("outbox")
    .set({ ...changes, lease_owner: null })
    .where("id", "=", id)
    .where("status", "=", "pending")
    .where("lease_owner", "=", owner)
    .execute();
}

export function findOutbox(db: Db, id: string): Promise<OutboxRow | undefined> {
  return db.selectFrom("outbox").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Rows given up on, newest first: what an operator looks at after a dead-letter notice. */
export function deadOutbox(db: Db, limit = 50): Promise<OutboxRow[]> {
  return db.selectFrom("outbox").selectAll().where("status", "=", "dead").orderBy("created_at", "desc").limit(limit).execute();
}

/** Puts a dead row back in line (after its cause was fixed); it resumes after the parts already sent. */
export async function requeueDeadOutbox(db: Db, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable("outbox")
    .set({ status: "pending", attempts: 0, next_attempt_at: now, lease_owner: null })
    .where("id", "=", id)
    .where("status", "=", "dead")
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
