import { randomBytes, randomUUID } from "node:crypto";
import type { Db } from "../database.ts";
import type { VisitorRow } from "./chat.ts";
import { consentRowsOf, deleteConsentsOf } from "./consents.ts";

// What destek holds about one person (a visitor row and everything hanging off it), for the
// privacy export and erase. Conversations and calls cascade from the visitor in the schema; files
// do not, so their keys are collected before the rows go.

/**
 * The visitors a request names: an id, or every visitor row with that e-mail address, and with each
 * the rows folded into it (merged contacts, the anonymous devices of a verified user), which may
 * still own conversations and calls.
 */
export async function findPeople(db: Db, idOrEmail: string): Promise<VisitorRow[]> {
  let found = await db.selectFrom("visitors").selectAll().where("id", "=", idOrEmail).execute();
  if (!found.length && idOrEmail.includes("@")) {
    found = await db.selectFrom("visitors").selectAll().where((eb) => eb(eb.fn("lower", ["email"]), "=", idOrEmail.toLowerCase())).orderBy("first_seen_at").execute();
  }
  const people = new Map(found.map((v) => [v.id, v]));
  let frontier = [...people.keys()];
  while (frontier.length) {
    const folded = await db.selectFrom("visitors").selectAll().where("merged_into", "in", frontier).execute();
    frontier = folded.filter((v) => !people.has(v.id)).map((v) => v.id);
    for (const v of folded) people.set(v.id, v);
  }
  return [...people.values()];
}

export interface PersonFiles {
  attachments: { id: string; storage_key: string }[];
  recordings: { id: string; storage_key: string }[];
}

/** The stored files of a person: attachments in their conversations or uploaded by them, and their calls' recordings. */
export async function filesOfPerson(db: Db, visitorId: string): Promise<PersonFiles> {
  const conversationIds = db.selectFrom("conversations").select("id").where("visitor_id", "=", visitorId);
  const attachments = await db
    .selectFrom("attachments")
    .select(["id", "storage_key"])
    .where((eb) => eb.or([eb("conversation_id", "in", conversationIds), eb("uploaded_by", "=", `visitor:${visitorId}`)]))
    .execute();
  const recordings = await db
    .selectFrom("recordings")
    .select(["id", "storage_key"])
    .where("call_id", "in", db.selectFrom("calls").select("id").where("visitor_id", "=", visitorId))
    .where("deleted_at", "is", null)
    .execute();
  return { attachments, recordings };
}

/** The Telegram posts that bridged the person's conversations and calls to the team. */
export function telegramPostsOfPerson(db: Db, visitorId: string): Promise<{ chat_id: string; message_id: number }[]> {
  return db
    .selectFrom("telegram_messages")
    .select(["chat_id", "message_id"])
    .where((eb) =>
      eb.or([
        eb("conversation_id", "in", db.selectFrom("conversations").select("id").where("visitor_id", "=", visitorId)),
        eb("call_id", "in", db.selectFrom("calls").select("id").where("visitor_id", "=", visitorId)),
      ]),
    )
    .execute();
}

export interface ErasedCounts {
  conversations: number;
  messages: number;
  calls: number;
  attachments: number;
  recordings: number;
  notes: number;
  /** Privacy notices agreed to, and recording consents of the person's calls. */
  consents: number;
}

/**
 * Deletes a person's data and keeps anonymous shells for reports: the conversations and calls stay
 * (times, status, inbox, assignee, duration, rating score) under a new visitor row that holds
 * nothing, while messages, files' rows, notes and timeline, search rows, rating comments, consent
 * records, Telegram mappings, device tokens and the profile are deleted. Run in a transaction.
 */
export async function eraseRowsOfPerson(trx: Db, visitorId: string, now: number): Promise<ErasedCounts> {
  const conversationIds = (await trx.selectFrom("conversations").select("id").where("visitor_id", "=", visitorId).execute()).map((r) => r.id);
  const callIds = (await trx.selectFrom("calls").select("id").where("visitor_id", "=", visitorId).execute()).map((r) => r.id);
  const anonymous = randomUUID();
  await trx
    .insertInto("visitors")
    .values({
      id: anonymous, token_hash: `erased:${randomBytes(24).toString("hex")}`, name: null, email: null, phone: null, language: null, user_agent: null,
      page_url: null, page_title: null, first_seen_at: now, last_seen_at: now, metadata: JSON.stringify({ erased: true }),
    })
    .execute();

  const counts: ErasedCounts = { conversations: conversationIds.length, messages: 0, calls: callIds.length, attachments: 0, recordings: 0, notes: 0, consents: 0 };
  if (conversationIds.length) {
    const emptied = await emptyConversations(trx, conversationIds);
    counts.messages = emptied.messages;
    counts.attachments += emptied.attachments;
    counts.notes = emptied.notes;
    await trx.updateTable("conversation_ratings").set({ visitor_id: anonymous }).where("conversation_id", "in", conversationIds).execute();
    await trx.updateTable("conversations").set({ visitor_id: anonymous }).where("id", "in", conversationIds).execute();
  }
  counts.attachments += Number((await trx.deleteFrom("attachments").where("uploaded_by", "=", `visitor:${visitorId}`).executeTakeFirst()).numDeletedRows);
  if (callIds.length) {
    counts.recordings = Number((await trx.deleteFrom("recordings").where("call_id", "in", callIds).executeTakeFirst()).numDeletedRows);
    await trx.deleteFrom("telegram_messages").where("call_id", "in", callIds).execute();
    counts.consents += (await trx.selectFrom("calls").select("id").where("id", "in", callIds).where("consent_at", "is not", null).execute()).length;
    await trx
      .updateTable("calls")
      .set({ visitor_id: anonymous, consent_mode: null, consent_at: null, consent_version: null })
      .where("id", "in", callIds)
      .execute();
  }
  counts.consents += await deleteConsentsOf(trx, visitorId);
  await trx.deleteFrom("search_documents").where("visitor_id", "=", visitorId).execute();
  // Webhook deliveries (sent or pending) carry the person's name and messages; every payload about
  // them names their visitor id (conversation.visitor.id, call.visitor.id).
  await trx.deleteFrom("webhook_deliveries").where("body", "like", `%${visitorId}%`).execute();
  // Pending notifications name the person's calls by id; they would only fail now.
  for (const id of callIds) {
    await trx.deleteFrom("outbox").where("status", "=", "pending").where("payload", "like", `%${id}%`).execute();
  }
  await trx.deleteFrom("visitor_tokens").where("visitor_id", "=", visitorId).execute();
  await trx.deleteFrom("visitors").where("id", "=", visitorId).execute();
  return counts;
}

/** The stored files of some conversations' messages (those not deleted already), for emptyConversations. */
export function filesOfConversations(db: Db, conversationIds: string[]): Promise<{ id: string; storage_key: string }[]> {
  if (!conversationIds.length) return Promise.resolve([]);
  return db.selectFrom("attachments").select(["id", "storage_key"]).where("conversation_id", "in", conversationIds).where("deleted_at", "is", null).execute();
}

/**
 * Empties conversations and keeps them as anonymous shells for reports (times, status, inbox,
 * assignee, labels, rating score, who did what in the timeline): their messages, files' rows, notes,
 * the words of the timeline and rating comments, search rows, Telegram mappings, pending
 * notifications, the page and the preview go. One mechanism for a person's erase and for the
 * retention job (domain/privacy). Run in a transaction; the caller deletes the files, collected
 * first with filesOfConversations.
 */
export async function emptyConversations(trx: Db, conversationIds: string[]): Promise<{ messages: number; attachments: number; notes: number }> {
  if (!conversationIds.length) return { messages: 0, attachments: 0, notes: 0 };
  const attachments = Number((await trx.deleteFrom("attachments").where("conversation_id", "in", conversationIds).executeTakeFirst()).numDeletedRows);
  const messages = Number((await trx.deleteFrom("messages").where("conversation_id", "in", conversationIds).executeTakeFirst()).numDeletedRows);
  const notes = Number(
    (await trx.deleteFrom("conversation_events").where("conversation_id", "in", conversationIds).where("kind", "=", "note").executeTakeFirst()).numDeletedRows,
  );
  // Who did what stays (assigned, resolved: no personal data); notes' and ratings' words go.
  await trx.updateTable("conversation_events").set({ body: null }).where("conversation_id", "in", conversationIds).execute();
  await trx.updateTable("conversation_ratings").set({ comment: null }).where("conversation_id", "in", conversationIds).execute();
  await trx.deleteFrom("telegram_messages").where("conversation_id", "in", conversationIds).execute();
  await trx.deleteFrom("search_documents").where("conversation_id", "in", conversationIds).execute();
  // Pending notifications name the conversations' messages by id; they would only fail now.
  for (const id of conversationIds) {
    await trx.deleteFrom("outbox").where("status", "=", "pending").where("payload", "like", `%${id}%`).execute();
  }
  await trx.updateTable("conversations").set({ page_url: null, last_message_preview: null }).where("id", "in", conversationIds).execute();
  return { messages, attachments, notes };
}

/** Everything stored about one visitor, rows as they are, for the privacy export. */
export async function rowsOfPerson(db: Db, visitorId: string) {
  const conversations = await db.selectFrom("conversations").selectAll().where("visitor_id", "=", visitorId).orderBy("created_at").execute();
  const conversationIds = conversations.map((c) => c.id);
  const some = <T>(ids: string[], query: () => Promise<T[]>) => (ids.length ? query() : Promise.resolve([] as T[]));
  const messages = await some(conversationIds, () =>
    db.selectFrom("messages").selectAll().where("conversation_id", "in", conversationIds).orderBy("conversation_id").orderBy("seq").execute(),
  );
  const attachments = await db
    .selectFrom("attachments")
    .selectAll()
    .where((eb) =>
      eb.or([...(conversationIds.length ? [eb("conversation_id", "in", conversationIds)] : []), eb("uploaded_by", "=", `visitor:${visitorId}`)]),
    )
    .orderBy("created_at")
    .execute();
  const events = await some(conversationIds, () =>
    db.selectFrom("conversation_events").selectAll().where("conversation_id", "in", conversationIds).orderBy("created_at").execute(),
  );
  const ratings = await db.selectFrom("conversation_ratings").selectAll().where("visitor_id", "=", visitorId).execute();
  const calls = await db.selectFrom("calls").selectAll().where("visitor_id", "=", visitorId).orderBy("created_at").execute();
  const callIds = calls.map((c) => c.id);
  const recordings = await some(callIds, () =>
    db.selectFrom("recordings").selectAll().where("call_id", "in", callIds).where("deleted_at", "is", null).orderBy("created_at").execute(),
  );
  const devices = await db.selectFrom("visitor_tokens").select("created_at").where("visitor_id", "=", visitorId).execute();
  const agents = await db.selectFrom("agents").select(["id", "name"]).execute();
  const consents = await consentRowsOf(db, [visitorId]);
  return { conversations, messages, attachments, events, ratings, calls, recordings, devices, agents, consents };
}
