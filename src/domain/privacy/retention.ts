import { markAttachmentDeleted, sentAttachmentsBefore } from "../../adapters/db/repositories/attachmentStore.ts";
import { emptyConversations, filesOfConversations } from "../../adapters/db/repositories/personData.ts";
import { dueConversations, lockStillDue } from "../../adapters/db/repositories/retention.ts";
import { audit } from "../audit.ts";
import { removeExpiredRecordings } from "../calls/recordings.ts";
import type { DomainDeps } from "../ports.ts";
import { retentionCutoff } from "./retentionCutoff.ts";

const BATCH = 100;

/** What one retention run did: counts only (the audit entry holds the same), never personal data. */
export interface RetentionReport {
  /** The settings in force for this run; null keeps that kind. */
  settings: { conversationRetentionDays: number | null; attachmentRetentionDays: number | null; recordingRetentionDays: number | null; timezone: string };
  conversations: number;
  messages: number;
  notes: number;
  attachments: number;
  recordings: number;
  filesDeleted: number;
  /** Files the storage refused to delete (their rows stay, so a later run tries again). */
  filesFailed: number;
  /** A kind whose removal failed part way, with the reason; the other kinds still ran. */
  failures: { kind: "conversations" | "attachments" | "recordings"; error: string }[];
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Applies the install's retention settings once, as of `now` (README, "Data retention"). Days are
 * calendar days in the install's time zone (TIMEZONE): something from local day D kept N days goes
 * on day D+N from local midnight.
 *
 * - Conversations resolved at least N days ago are emptied like an erased person's
 *   (personData.emptyConversations): messages, files, notes, search rows and Telegram mappings go;
 *   an anonymous shell stays for reports. Open and reopened conversations are never touched.
 * - Files sent in messages at least N days ago are deleted; the row stays marked deleted, so the
 *   message shows "File removed after its retention period".
 * - Recordings at least N days old are deleted (each noted as `recording.removed`).
 *
 * With any setting on, every run leaves one `retention.applied` audit entry with the counts.
 */
export async function applyRetention(deps: DomainDeps, now: number): Promise<RetentionReport> {
  const settings = await deps.settings.current();
  const timezone = deps.calls.timezone;
  const report: RetentionReport = {
    settings: {
      conversationRetentionDays: settings.conversationRetentionDays,
      attachmentRetentionDays: settings.attachmentRetentionDays,
      recordingRetentionDays: settings.recordingRetentionDays,
      timezone,
    },
    conversations: 0,
    messages: 0,
    notes: 0,
    attachments: 0,
    recordings: 0,
    filesDeleted: 0,
    filesFailed: 0,
    failures: [],
  };
  const deleteFile = async (key: string) => {
    try {
      await deps.storage.delete(key);
      report.filesDeleted++;
      return true;
    } catch {
      report.filesFailed++;
      return false;
    }
  };

  if (settings.conversationRetentionDays) {
    const before = retentionCutoff(now, settings.conversationRetentionDays, timezone);
    try {
      for (;;) {
        const due = await dueConversations(deps.db, before, BATCH);
        if (!due.length) break;
        const { files, emptied } = await deps.db.transaction().execute(async (trx) => {
          const still = await lockStillDue(trx, due, before);
          const files = await filesOfConversations(trx, still);
          return { files, emptied: { ids: still, ...(await emptyConversations(trx, still)) } };
        });
        report.conversations += emptied.ids.length;
        report.messages += emptied.messages;
        report.notes += emptied.notes;
        report.attachments += emptied.attachments;
        // The rows are gone: a file the storage keeps now is an orphan (`destek files` lists those).
        for (const file of files) await deleteFile(file.storage_key);
      }
    } catch (error) {
      report.failures.push({ kind: "conversations", error: reason(error) });
    }
  }

  if (settings.attachmentRetentionDays) {
    const before = retentionCutoff(now, settings.attachmentRetentionDays, timezone);
    const failed = new Set<string>();
    try {
      for (;;) {
        const batch = (await sentAttachmentsBefore(deps.db, before, BATCH + failed.size)).filter((a) => !failed.has(a.id));
        if (!batch.length) break;
        for (const attachment of batch) {
          // The file first: a row marked deleted never points at a file still there.
          if (await deleteFile(attachment.storage_key)) {
            await markAttachmentDeleted(deps.db, attachment.id, deps.clock.now());
            report.attachments++;
          } else {
            failed.add(attachment.id);
          }
        }
      }
    } catch (error) {
      report.failures.push({ kind: "attachments", error: reason(error) });
    }
  }

  if (settings.recordingRetentionDays) {
    try {
      const removed = await removeExpiredRecordings(deps, settings.recordingRetentionDays, now);
      report.recordings += removed.length;
      report.filesDeleted += removed.length;
    } catch (error) {
      report.failures.push({ kind: "recordings", error: reason(error) });
    }
  }

  if (settings.conversationRetentionDays || settings.attachmentRetentionDays || settings.recordingRetentionDays) {
    const { settings: used, failures, ...counts } = report;
    await audit(deps.db, deps.clock.now(), {
      actor: { type: "system" },
      action: "retention.applied",
      details: { ...used, ...counts, failures: failures.map((f) => f.kind) },
    });
  }
  return report;
}
