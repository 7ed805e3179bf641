import { eraseRowsOfPerson, type ErasedCounts, filesOfPerson, findPeople, telegramPostsOfPerson } from "../../adapters/db/repositories/personData.ts";
import { audit } from "../audit.ts";
import { notFound } from "../errors.ts";
import type { Actor, DomainDeps } from "../ports.ts";

/** What an erase did, for the admin who asked (the audit log gets the counts only). */
export interface EraseReport {
  visitorIds: string[];
  counts: ErasedCounts;
  files: { deleted: number; failed: string[] };
  telegram: { deleted: number; left: { chatId: string; messageId: number; why: string }[] };
}

/**
 * Erases a person (a visitor id, or every visitor with that e-mail address): the profile, messages,
 * notes, files and recordings, consent records (privacy notices and calls' recording consents, counted
 * in the report) and device tokens. Conversations and calls remain as
 * anonymous shells for reports. Bridged Telegram posts are deleted where the Bot API still allows
 * it; the rest are listed in the report. Rows go in one transaction, then the files.
 */
export async function erasePerson(deps: DomainDeps, input: { actor: Actor; person: string; ip?: string | null }): Promise<EraseReport> {
  const people = await findPeople(deps.db, input.person);
  if (!people.length) throw notFound("contact_not_found", `No contact ${input.person}.`);
  const report: EraseReport = {
    visitorIds: people.map((p) => p.id),
    counts: { conversations: 0, messages: 0, calls: 0, attachments: 0, recordings: 0, notes: 0, consents: 0 },
    files: { deleted: 0, failed: [] },
    telegram: { deleted: 0, left: [] },
  };
  for (const person of people) {
    const files = await filesOfPerson(deps.db, person.id);
    const posts = await telegramPostsOfPerson(deps.db, person.id);
    const counts = await deps.db.transaction().execute((trx) => eraseRowsOfPerson(trx, person.id, deps.clock.now()));
    for (const key of Object.keys(counts) as (keyof ErasedCounts)[]) report.counts[key] += counts[key];
    for (const { storage_key: key } of [...files.attachments, ...files.recordings]) {
      try {
        await deps.storage.delete(key);
        report.files.deleted++;
      } catch (error) {
        report.files.failed.push(`${key}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    for (const post of posts) {
      if (!deps.telegram) {
        report.telegram.left.push({ chatId: post.chat_id, messageId: post.message_id, why: "no Telegram bot configured" });
        continue;
      }
      try {
        const outcome = await deps.telegram.deleteMessage(post.chat_id, post.message_id);
        if (outcome === "deleted") report.telegram.deleted++;
        else report.telegram.left.push({ chatId: post.chat_id, messageId: post.message_id, why: outcome });
      } catch (error) {
        report.telegram.left.push({ chatId: post.chat_id, messageId: post.message_id, why: `Telegram unreachable: ${error instanceof Error ? error.message : String(error)}` });
      }
    }
  }
  deps.events.publish({ type: "visitor.erased", visitorIds: report.visitorIds });
  // Ids only: the erased person's name or address must not live on in the audit log.
  await audit(deps.db, deps.clock.now(), {
    actor: input.actor,
    action: "contact.erased",
    target: { type: "visitor", id: people[0]!.id },
    ip: input.ip ?? null,
    details: {
      visitorIds: report.visitorIds,
      ...report.counts,
      filesDeleted: report.files.deleted,
      filesFailed: report.files.failed.length,
      telegramDeleted: report.telegram.deleted,
      telegramLeft: report.telegram.left.length,
    },
  });
  return report;
}
