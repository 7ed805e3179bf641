import type { Db } from "../database.ts";

// Periodic jobs that must run on one node of many (the retention job): each run is claimed in the
// database with one conditional UPDATE, which both engines apply atomically (PostgreSQL re-checks
// the condition on the locked row; SQLite has one writer), so two nodes never both win a run.

/**
 * Claims the next run of `name` for `owner` when it is due and nobody holds it: the next one is then
 * due `everyMs` later, and the lease (`leaseMs`) frees the run if this node dies before finishing.
 */
export async function claimJobRun(db: Db, name: string, owner: string, now: number, { everyMs, leaseMs }: { everyMs: number; leaseMs: number }): Promise<boolean> {
  await db
    .insertInto("job_runs")
    .values({ name, due_at: 0, lease_owner: null, lease_until: null, last_started_at: null, last_finished_at: null })
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
  const result = await db
    .updateTable("job_runs")
    .set({ due_at: now + everyMs, lease_owner: owner, lease_until: now + leaseMs, last_started_at: now })
    .where("name", "=", name)
    .where("due_at", "<=", now)
    .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<=", now)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Ends a run this owner holds (a lost lease changes nothing). */
export function finishJobRun(db: Db, name: string, owner: string, now: number): Promise<unknown> {
  return db
    .updateTable("job_runs")
    .set({ lease_owner: null, lease_until: null, last_finished_at: now })
    .where("name", "=", name)
    .where("lease_owner", "=", owner)
    .execute();
}
