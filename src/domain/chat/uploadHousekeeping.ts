import { deleteUnsentAttachment, storedAttachmentBytes, unsentAttachmentsBefore } from "../../adapters/db/repositories/attachmentStore.ts";
import { DomainError } from "../errors.ts";
import type { DomainDeps } from "../ports.ts";

/** An upload that is not in a message after this long was abandoned (a closed tab, a failed send). */
export const UNSENT_UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;
const BATCH = 100;

/**
 * Deletes uploads older than a day that never became part of a message: first the row (only if it
 * is still unsent, so a message sent meanwhile keeps its file), then the bytes.
 */
export async function removeUnsentUploads(deps: DomainDeps): Promise<{ removed: number; failed: Array<{ id: string; error: unknown }> }> {
  const before = deps.clock.now() - UNSENT_UPLOAD_TTL_MS;
  let removed = 0;
  const failed: Array<{ id: string; error: unknown }> = [];
  const skipped = new Set<string>();
  for (;;) {
    const batch = (await unsentAttachmentsBefore(deps.db, before, BATCH + skipped.size)).filter((row) => !skipped.has(row.id));
    if (!batch.length) break;
    for (const row of batch) {
      try {
        if (await deleteUnsentAttachment(deps.db, row.id)) {
          await deps.storage.delete(row.storage_key);
          removed++;
        }
      } catch (error) {
        skipped.add(row.id);
        failed.push({ id: row.id, error });
      }
    }
    if (batch.length < BATCH) break;
  }
  return { removed, failed };
}

const storageFull = () =>
  new DomainError("storage_full", "storage_full", "The support team's file storage is full. Send your message as text, or try again later.");

/**
 * The storage quota (`STORAGE_QUOTA_MB`) for a new upload of `bytes`. Uploads are refused once the
 * stored total has reached the quota; the upload that reaches it is the one that crosses it. Both
 * are published; the team is told of each crossing, and of refusals only when it was not told that
 * day (a quota lowered below what is stored is never crossed).
 */
export async function reserveStorage(deps: DomainDeps, bytes: number): Promise<{ crossed: boolean; usedBytes: number }> {
  const quota = deps.chat.storageQuotaBytes;
  if (quota === undefined) return { crossed: false, usedBytes: 0 };
  const used = await storedAttachmentBytes(deps.db);
  if (used >= quota) {
    deps.events.publish({ type: "storage.quota_reached", usedBytes: used, quotaBytes: quota, crossed: false });
    throw storageFull();
  }
  return { crossed: used + bytes >= quota, usedBytes: used + bytes };
}
