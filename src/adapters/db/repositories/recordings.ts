import type { Insertable, Selectable } from "kysely";
import type { Db } from "../database.ts";
import type { RecordingsTable } from "../schema.ts";

export type RecordingRow = Selectable<RecordingsTable>;

export function insertRecording(db: Db, row: Insertable<RecordingsTable>): Promise<unknown> {
  return db.insertInto("recordings").values(row).execute();
}

export function findRecording(db: Db, id: string): Promise<RecordingRow | undefined> {
  return db.selectFrom("recordings").selectAll().where("id", "=", id).where("deleted_at", "is", null).executeTakeFirst();
}

/** The kept recordings of some calls: per side first, then the mix. */
export async function recordingsOfCalls(db: Db, callIds: string[]): Promise<RecordingRow[]> {
  if (callIds.length === 0) return [];
  return db
    .selectFrom("recordings")
    .selectAll()
    .where("call_id", "in", callIds)
    .where("deleted_at", "is", null)
    .orderBy("created_at")
    .orderBy("role")
    .execute();
}

/** Kept recordings made before `before`, oldest first: the retention job's work list. */
export function recordingsOlderThan(db: Db, before: number, limit: number): Promise<RecordingRow[]> {
  return db
    .selectFrom("recordings")
    .selectAll()
    .where("deleted_at", "is", null)
    .where("created_at", "<", before)
    .orderBy("created_at")
    .limit(limit)
    .execute();
}

/** How many kept files one side of a call has so far: the next segment's index. */
export async function segmentsOfSide(db: Db, callId: string, role: RecordingRow["role"]): Promise<number> {
  const { count } = await db
    .selectFrom("recordings")
    .select((eb) => eb.fn.countAll<string | number>().as("count"))
    .where("call_id", "=", callId)
    .where("role", "=", role)
    .where("deleted_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(count);
}

export function markRecordingDeleted(db: Db, id: string, at: number): Promise<unknown> {
  return db.updateTable("recordings").set({ deleted_at: at }).where("id", "=", id).execute();
}
