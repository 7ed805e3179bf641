import { findVisitor, updateVisitor, type VisitorRow } from "../../adapters/db/repositories/chat.ts";
import { type ContactRow, contactVisitorIds, deviceCountOf, listContactRows, sameEmailContacts } from "../../adapters/db/repositories/contacts.ts";
import type { ContactChanges, ContactDetail, ContactList, ContactSummary } from "../../protocol/contacts.ts";
import { audit } from "../audit.ts";
import { DomainError, invalid, notFound } from "../errors.ts";
import { decodePageCursor, encodePageCursor } from "../pageCursor.ts";
import type { DomainDeps } from "../ports.ts";
import { searchWords } from "../search/fold.ts";
import { type AgentActor, announceContactChange, contactCalls, contactConsents, contactConversations, contactRatings } from "./contactActivity.ts";

// Contacts: the people behind visitor rows, as agents see and correct them. Any agent may list,
// read and edit a contact; merging is in mergeContacts.ts (admins only).

const DUPLICATES_SHOWN = 10;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[\d\s().-]{5,30}$/;

const iso = (ms: number) => new Date(ms).toISOString();

export function presentContactSummary(row: VisitorRow, conversationCount: number): ContactSummary {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    company: row.company,
    verified: row.external_id !== null,
    lastSeenAt: iso(row.last_seen_at),
    conversationCount,
  };
}

/** A contact by id; a merged one answers `contact_merged` naming where it went (details.mergedInto). */
export async function requireContact(deps: DomainDeps, id: string): Promise<VisitorRow> {
  const row = await findVisitor(deps.db, id);
  if (!row) throw notFound("contact_not_found", "No such contact.");
  if (row.merged_into !== null) {
    throw new DomainError("contact_merged", "not_found", "This contact was merged into another.", undefined, { mergedInto: row.merged_into });
  }
  return row;
}

/** A page of contacts, most recently seen first, matching every word of `q` in name, e-mail, phone or company. */
export async function listContacts(deps: DomainDeps, query: { q?: string | undefined; cursor?: string | undefined; limit: number }): Promise<ContactList> {
  const before = query.cursor === undefined ? undefined : decodePageCursor(query.cursor);
  const words = searchWords(query.q ?? "").slice(0, 8);
  const rows = await listContactRows(deps.db, { words, before, limit: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    contacts: page.map((row: ContactRow) => presentContactSummary(row, row.conversation_count)),
    nextCursor: rows.length > query.limit && last ? encodePageCursor(last.last_seen_at, last.id) : null,
  };
}

/** Everything the contact page shows: the profile, all devices' conversations and calls, ratings, consents and likely duplicates. */
export async function readContact(deps: DomainDeps, actor: AgentActor, id: string): Promise<ContactDetail> {
  const row = await requireContact(deps, id);
  const visitorIds = await contactVisitorIds(deps.db, row.id);
  const conversations = await contactConversations(deps, actor, visitorIds);
  const duplicates = await sameEmailContacts(deps.db, row, DUPLICATES_SHOWN);
  return {
    ...presentContactSummary(row, conversations.length),
    notes: row.notes,
    firstSeenAt: iso(row.first_seen_at),
    deviceCount: await deviceCountOf(deps.db, row),
    conversations,
    calls: await contactCalls(deps, actor, visitorIds),
    ratings: await contactRatings(deps, visitorIds, conversations),
    consents: await contactConsents(deps, actor, visitorIds),
    duplicates: duplicates.map((d) => presentContactSummary(d, d.conversation_count)),
  };
}

/** An empty (or all-blank) value clears the field. */
const cleared = (value: string | null | undefined) => (value === undefined ? undefined : value === null || value.trim() === "" ? null : value.trim());

/**
 * Changes a contact's name, e-mail, phone, company or notes. The audit log gets a light entry
 * naming the fields changed (not their values: notes may be personal).
 */
export async function editContact(deps: DomainDeps, actor: AgentActor, id: string, input: ContactChanges, ip?: string | null): Promise<ContactDetail> {
  const row = await requireContact(deps, id);
  const email = cleared(input.email)?.toLowerCase() ?? cleared(input.email);
  if (email && !EMAIL.test(email)) throw invalid("invalid_email", "The e-mail address is not valid.");
  const phone = cleared(input.phone);
  if (phone && !PHONE.test(phone)) throw invalid("invalid_phone", "The phone number is not valid.");
  const notes = input.notes === undefined ? undefined : input.notes === null || input.notes.trim() === "" ? null : input.notes.replace(/\r\n?/g, "\n").trim();
  const wanted = { name: cleared(input.name), email, phone, company: cleared(input.company), notes };
  const changes = Object.fromEntries(Object.entries(wanted).filter(([field, value]) => value !== undefined && value !== row[field as keyof typeof wanted]));
  if (Object.keys(changes).length) {
    await deps.db.transaction().execute(async (trx) => {
      await updateVisitor(trx, row.id, changes);
      await audit(trx, deps.clock.now(), { actor, action: "contact.update", target: { type: "contact", id: row.id }, ip: ip ?? null, details: { fields: Object.keys(changes) } });
    });
    await announceContactChange(deps, row.id);
  }
  return readContact(deps, actor, row.id);
}
