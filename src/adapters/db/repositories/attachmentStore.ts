import type { Db } from "../database.ts";
import type { AttachmentRow } from "./chat.ts";

/** Bytes of every stored attachment, for the storage quota. */
export async function storedAttachmentBytes(db: Db): Promise<number> {
  const row = await db
    .selectFrom("attachments")
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("size"), eb.lit(0)).as("bytes"))
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
