import { findVisitor, updateVisitor, type VisitorRow } from "../../adapters/db/repositories/chat.ts";
import { hasLiveCall } from "../../adapters/db/repositories/contacts.ts";
import type { Db } from "../../adapters/db/database.ts";
import type { ContactDetail } from "../../protocol/contacts.ts";
import { audit } from "../audit.ts";
import { conflict, DomainError, forbidden, invalid } from "../errors.ts";
import type { DomainDeps } from "../ports.ts";
import { type AgentActor, announceContactChange } from "./contactActivity.ts";
import { readContact, requireContact } from "./contacts.ts";
import { moveConsents } from "../../adapters/db/repositories/consents.ts";

// Merging two contacts: everything of the secondary moves to the primary in one transaction, and
// the secondary stays as a tombstone (`merged_into`) so ids held elsewhere still lead somewhere.
// Its widget token is added to the primary's devices, so that browser opens the primary from now
// on; widgets connected right now are moved over by the socket gateway (event `visitor.merged`).
// Admins only: a wrong merge joins two people's conversations, and is not undone by a button.

/** Profile fields the primary takes from the secondary when its own are empty. */
const FILLED = ["name", "email", "phone", "company", "language", "user_agent", "page_url", "page_title"] as const;

function describe(row: VisitorRow) {
  return { id: row.id, name: row.name, email: row.email };
}

/** Merges `otherId` (the secondary) into `primaryId`; returns the primary's contact page. */
export async function mergeContacts(deps: DomainDeps, actor: AgentActor, primaryId: string, otherId: string, ip?: string | null): Promise<ContactDetail> {
  if (actor.role !== "admin") throw forbidden("admin_only", "Only admins can merge contacts.");
  if (primaryId === otherId) throw invalid("merge_same_contact", "A contact cannot be merged into itself.");
  const primary = await requireContact(deps, primaryId);
  const secondary = await requireContact(deps, otherId);
  if (primary.external_id !== null && secondary.external_id !== null) {
    throw conflict("merge_two_verified", "Both contacts are signed-in users of the site with their own ids; they cannot be merged.");
  }
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    // Both rows are locked (in id order, so two merges of the same pair wait rather than deadlock)
    // and read again: a merge that ran meanwhile, either way round, is found done and refused.
    for (const id of [primary.id, secondary.id].sort()) {
      await trx.updateTable("visitors").set((eb) => ({ id: eb.ref("id") })).where("id", "=", id).execute();
    }
    const kept = await findVisitor(trx, primary.id);
    const current = await findVisitor(trx, secondary.id);
    if (!kept || !current || kept.merged_into !== null || current.merged_into !== null) {
      throw new DomainError("contact_merged", "not_found", "One of these contacts was merged already.");
    }
    // One live call per visitor is a database rule: merging during the secondary's call would break it.
    if (await hasLiveCall(trx, current.id)) throw conflict("contact_in_call", "This contact is in a call; merge after it ends.");
    await moveEverything(trx, kept, current, now);
    await audit(trx, now, {
      actor,
      action: "contact.merge",
      target: { type: "contact", id: kept.id },
      ip: ip ?? null,
      details: { primary: describe(kept), secondary: describe(current) },
    });
  });
  const merged = await findVisitor(deps.db, primary.id);
  if (merged) deps.events.publish({ type: "visitor.merged", fromVisitorId: secondary.id, into: merged });
  await announceContactChange(deps, primary.id);
  return readContact(deps, actor, primary.id);
}

async function moveEverything(trx: Db, primary: VisitorRow, secondary: VisitorRow, now: number): Promise<void> {
  const from = secondary.id;
  const to = primary.id;
  await trx.updateTable("conversations").set({ visitor_id: to }).where("visitor_id", "=", from).execute();
  await trx.updateTable("calls").set({ visitor_id: to }).where("visitor_id", "=", from).execute();
  await trx.updateTable("conversation_ratings").set({ visitor_id: to }).where("visitor_id", "=", from).execute();
  await moveConsents(trx, from, to);
  await trx.updateTable("conversation_events").set({ actor_id: to }).where("actor_type", "=", "visitor").where("actor_id", "=", from).execute();
  // An upload not yet sent in a message may be attached only by its uploader: now the primary.
  await trx.updateTable("attachments").set({ uploaded_by: `visitor:${to}` }).where("uploaded_by", "=", `visitor:${from}`).execute();
  // Message documents follow their conversations; the secondary's profile row goes (the primary's is rewritten below).
  await trx.deleteFrom("search_documents").where("visitor_id", "=", from).where("message_id", "is", null).execute();
  await trx.updateTable("search_documents").set({ visitor_id: to }).where("visitor_id", "=", from).execute();
  // Devices: the secondary's further devices, and its own token, now open the primary.
  await trx.updateTable("visitor_tokens").set({ visitor_id: to }).where("visitor_id", "=", from).execute();
  if (!secondary.token_hash.includes(":")) {
    await trx.insertInto("visitor_tokens").values({ token_hash: secondary.token_hash, visitor_id: to, created_at: now }).onConflict((oc) => oc.column("token_hash").doNothing()).execute();
  }
  await trx.updateTable("visitors").set({ merged_into: to }).where("merged_into", "=", from).execute();
  await trx
    .updateTable("visitors")
    .set({ merged_into: to, merged_at: now, token_hash: `merged:${from}`, external_id: null })
    .where("id", "=", from)
    .execute();

  const filled: Partial<VisitorRow> = {};
  for (const field of FILLED) if (primary[field] === null && secondary[field] !== null) filled[field] = secondary[field];
  if (primary.external_id === null && secondary.external_id !== null) filled.external_id = secondary.external_id;
  // Both have notes: keep both rather than lose one.
  if (secondary.notes !== null) filled.notes = primary.notes === null ? secondary.notes : `${primary.notes}\n\n${secondary.notes}`;
  filled.first_seen_at = Math.min(primary.first_seen_at, secondary.first_seen_at);
  filled.last_seen_at = Math.max(primary.last_seen_at, secondary.last_seen_at);
  // Always includes a profile field's worth of change for the search row: updateVisitor re-indexes on name/email/phone/company.
  await updateVisitor(trx, to, { ...filled, company: filled.company ?? primary.company });
}
