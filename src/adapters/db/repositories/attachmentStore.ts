import type { Db } from "../database.ts";
import type { AttachmentRow } from "./chat.ts";

/** Bytes of every stored attachment, for the storage quota. */
export async function storedAttachmentBytes(db: Db): Promise<number> {
  const row = await db
    .selectFrom("attachments")
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("size"), eb.lit(0)).as("bytes"))
    .where("deleted_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.bytes);
}

/** Uploads that never became part of a message and were made before `before`, oldest first. */
export function unsentAttachmentsBefore(db: Db, before: number, limit: number): Promise<Pick<AttachmentRow, "id" | "storage_key">[]> {
  return db
    .selectFrom("attachments")
    .select(["id", "storage_key"])
    .where("message_id", "is", null)
    .where("created_at", "<", before)
    .orderBy("created_at")
    .limit(limit)
    .execute();
}

/** Deletes an upload's row unless a message took it meanwhile; says whether it was deleted. */
export async function deleteUnsentAttachment(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom("attachments").where("id", "=", id).where("message_id", "is", null).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Files sent in messages before `before` and not deleted yet, oldest first: the retention job's next batch. */
export function sentAttachmentsBefore(db: Db, before: number, limit: number): Promise<Pick<AttachmentRow, "id" | "storage_key" | "created_at">[]> {
  return db
    .selectFrom("attachments")
    .select(["id", "storage_key", "created_at"])
    .where("message_id", "is not", null)
    .where("deleted_at", "is", null)
    .where("created_at", "<", before)
    .orderBy("created_at")
    .limit(limit)
    .execute();
}

/** Marks a file deleted and forgets its name; the row stays so its message shows a file was there. */
export function markAttachmentDeleted(db: Db, id: string, at: number): Promise<unknown> {
  return db.updateTable("attachments").set({ deleted_at: at, file_name: "" }).where("id", "=", id).execute();
}
