import { type Insertable, type Selectable, sql } from "kysely";
import type { Db } from "../database.ts";
import { compiledOnce } from "../compiledOnce.ts";
import { indexVisitor, inTransaction, noteMessageForIndex } from "./searchIndex.ts";
import type { AttachmentsTable, ConversationsTable, MessagesTable, VisitorsTable } from "../schema.ts";

export type VisitorRow = Selectable<VisitorsTable>;
export type ConversationRow = Selectable<ConversationsTable>;
export type MessageRow = Selectable<MessagesTable>;
export type AttachmentRow = Selectable<AttachmentsTable>;

/** The visitor a widget token belongs to: its own, or (a verified user's further device) a linked one. */
export async function findVisitorByTokenHash(db: Db, tokenHash: string): Promise<VisitorRow | undefined> {
  const linked = await db
    .selectFrom("visitor_tokens as t")
    .innerJoin("visitors as v", "v.id", "t.visitor_id")
    .selectAll("v")
    .where("t.token_hash", "=", tokenHash)
    .executeTakeFirst();
  return linked ?? db.selectFrom("visitors").selectAll().where("token_hash", "=", tokenHash).executeTakeFirst();
}

export function findVisitor(db: Db, id: string): Promise<VisitorRow | undefined> {
  return db.selectFrom("visitors").selectAll().where("id", "=", id).executeTakeFirst();
}

export function insertVisitor(db: Db, row: Insertable<VisitorsTable>): Promise<unknown> {
  return inTransaction(db, async (trx) => {
    const result = await trx.insertInto("visitors").values(row).onConflict((oc) => oc.column("token_hash").doNothing()).executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) > 0 && (row.name || row.email || row.phone)) {
      await indexVisitor(trx, { id: row.id, name: row.name ?? null, email: row.email ?? null, phone: row.phone ?? null });
    }
  });
}

// Every visitor message touches its visitor: compiled once (see compiledOnce.ts).
const touchVisitorQuery = compiledOnce((db: Db, id: string, at: number) => db.updateTable("visitors").set({ last_seen_at: at }).where("id", "=", id));

/** Marks the visitor seen now, and on `pageUrl` when given. */
export async function touchVisitor(db: Db, id: string, at: number, pageUrl?: string): Promise<void> {
  if (pageUrl) await db.updateTable("visitors").set({ last_seen_at: at, page_url: pageUrl }).where("id", "=", id).execute();
  else await touchVisitorQuery(db, id, at);
}

const PROFILE_FIELDS = ["name", "email", "phone", "company"] as const;

/** Changes a visitor; a change of name, e-mail, phone or company re-indexes them for search in the same transaction. */
export function updateVisitor(db: Db, id: string, changes: Partial<Omit<VisitorRow, "id">>): Promise<unknown> {
  if (!PROFILE_FIELDS.some((field) => field in changes)) return db.updateTable("visitors").set(changes).where("id", "=", id).execute();
  return inTransaction(db, async (trx) => {
    const visitor = await trx.updateTable("visitors").set(changes).where("id", "=", id).returning(["id", "name", "email", "phone", "company"]).executeTakeFirst();
    if (visitor) await indexVisitor(trx, visitor);
  });
}

/** The visitor's latest conversation, whatever its status. */
/** The visitor's newest conversation; with `inboxId`, their newest on that website (a signed-in user may chat on several). */
// The queries every chat message makes are compiled once (see compiledOnce.ts).
const latestConversationQuery = compiledOnce((db: Db, visitorId: string) =>
  db.selectFrom("conversations").selectAll().where("visitor_id", "=", visitorId).orderBy("created_at", "desc").limit(1),
);
const latestConversationInInboxQuery = compiledOnce((db: Db, visitorId: string, inboxId: string) =>
  db.selectFrom("conversations").selectAll().where("visitor_id", "=", visitorId).where("inbox_id", "=", inboxId).orderBy("created_at", "desc").limit(1),
);

export async function latestConversationOf(db: Db, visitorId: string, inboxId?: string): Promise<ConversationRow | undefined> {
  const rows = inboxId === undefined ? await latestConversationQuery(db, visitorId) : await latestConversationInInboxQuery(db, visitorId, inboxId);
  return rows[0];
}

const conversationQuery = compiledOnce((db: Db, id: string) => db.selectFrom("conversations").selectAll().where("id", "=", id));

export async function findConversation(db: Db, id: string): Promise<ConversationRow | undefined> {
  return (await conversationQuery(db, id))[0];
}

/** A new conversation; it has no first reply yet unless told (imports, tests). */
export function insertConversation(db: Db, row: Omit<ConversationRow, "first_reply_at"> & { first_reply_at?: number | null }): Promise<unknown> {
  return db.insertInto("conversations").values(row).execute();
}

export function updateConversation(db: Db, id: string, changes: Partial<Omit<ConversationRow, "id">>): Promise<unknown> {
  return db.updateTable("conversations").set(changes).where("id", "=", id).execute();
}

/**
 * Takes the next message number of a conversation. The UPDATE locks the row (PostgreSQL) or the
 * database (SQLite) until commit, so sends to one conversation are serialized and ordered.
 */
const nextSeqQuery = compiledOnce((db: Db, conversationId: string) =>
  db
    .updateTable("conversations")
    .set((eb) => ({ last_seq: eb("last_seq", "+", 1) }))
    .where("id", "=", conversationId)
    .returning("last_seq"),
);

export async function nextSeq(db: Db, conversationId: string): Promise<number> {
  const row = (await nextSeqQuery(db, conversationId))[0];
  // The conversation row was just read (or written) in this transaction: its absence is a bug.
  if (!row) throw new Error(`nextSeq: no conversation ${conversationId}`);
  return row.last_seq;
}

const messageByClientIdQuery = compiledOnce((db: Db, conversationId: string, clientId: string) =>
  db.selectFrom("messages").selectAll().where("conversation_id", "=", conversationId).where("client_id", "=", clientId),
);

export async function findMessageByClientId(db: Db, conversationId: string, clientId: string): Promise<MessageRow | undefined> {
  return (await messageByClientIdQuery(db, conversationId, clientId))[0];
}

export function findMessage(db: Db, id: string): Promise<MessageRow | undefined> {
  return db.selectFrom("messages").selectAll().where("id", "=", id).executeTakeFirst();
}

// Once per chat message: compiled once (see compiledOnce.ts).
const insertMessageQuery = compiledOnce(
  (db: Db, id: string, conversationId: string, seq: number, clientId: string, authorType: MessageRow["author_type"], authorId: string | null, body: string, via: MessageRow["via"], createdAt: number) =>
    db.insertInto("messages").values({ id, conversation_id: conversationId, seq, client_id: clientId, author_type: authorType, author_id: authorId, body, via, created_at: createdAt }),
);

/** Stores a message and notes it for the search indexer, in one transaction; an agent's first one marks the conversation's first reply. */
export function insertMessage(db: Db, row: MessageRow): Promise<unknown> {
  return inTransaction(db, async (trx) => {
    await insertMessageQuery(trx, row.id, row.conversation_id, row.seq, row.client_id, row.author_type, row.author_id, row.body, row.via, row.created_at);
    await noteMessageForIndex(trx, row.id);
    if (row.author_type === "agent") {
      await trx.updateTable("conversations").set({ first_reply_at: row.created_at }).where("id", "=", row.conversation_id).where("first_reply_at", "is", null).execute();
    }
  });
}

export function listMessages(
  db: Db,
  conversationId: string,
  options: { afterSeq?: number; beforeSeq?: number; limit: number },
): Promise<MessageRow[]> {
  let query = db.selectFrom("messages").selectAll().where("conversation_id", "=", conversationId);
  if (options.afterSeq !== undefined) query = query.where("seq", ">", options.afterSeq);
  if (options.beforeSeq !== undefined) query = query.where("seq", "<", options.beforeSeq);
  // Newest first when paging back, oldest first when catching up.
  const newestFirst = options.afterSeq === undefined;
  return query
    .orderBy("seq", newestFirst ? "desc" : "asc")
    .limit(options.limit)
    .execute()
    .then((rows) => (newestFirst ? rows.reverse() : rows));
}

/** `column` raised to `value` unless it is already higher, as SQL both engines speak. */
const atLeast = (column: string, value: number) => sql<number>`case when ${sql.ref(column)} < ${value} then ${value} else ${sql.ref(column)} end`;

/**
 * Raises one side's receipt positions (delivered, and read when given) to at least these, in one
 * statement, so receipts from two consoles or tabs arriving out of order never move them back.
 * Returns the positions stored afterwards.
 */
export async function raiseReceipts(
  db: Db,
  id: string,
  side: "agent" | "visitor",
  delivered: number,
  read: number | null,
): Promise<{ deliveredSeq: number; readSeq: number } | undefined> {
  const [deliveredColumn, readColumn] = side === "agent" ? (["agent_delivered_seq", "agent_read_seq"] as const) : (["visitor_delivered_seq", "visitor_read_seq"] as const);
  const row = await db
    .updateTable("conversations")
    .set({ [deliveredColumn]: atLeast(deliveredColumn, delivered), ...(read === null ? {} : { [readColumn]: atLeast(readColumn, read) }) })
    .where("id", "=", id)
    .returning([`${deliveredColumn} as deliveredSeq`, `${readColumn} as readSeq`])
    .executeTakeFirst();
  return row && { deliveredSeq: Number(row.deliveredSeq), readSeq: Number(row.readSeq) };
}

/** Sets the agents' unread count, unless their read position moved on meanwhile (the later receipt sets it). */
export function setUnreadForAgents(db: Db, id: string, readSeq: number, unread: number): Promise<unknown> {
  return db.updateTable("conversations").set({ unread_for_agents: unread }).where("id", "=", id).where("agent_read_seq", "=", readSeq).execute();
}

export async function countVisitorMessagesAfter(db: Db, conversationId: string, seq: number): Promise<number> {
  const row = await db
    .selectFrom("messages")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("conversation_id", "=", conversationId)
    .where("author_type", "=", "visitor")
    .where("seq", ">", seq)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function insertAttachment(db: Db, row: AttachmentRow): Promise<unknown> {
  return db.insertInto("attachments").values(row).execute();
}

export function findAttachment(db: Db, id: string): Promise<AttachmentRow | undefined> {
  return db.selectFrom("attachments").selectAll().where("id", "=", id).executeTakeFirst();
}

export function attachmentsOf(db: Db, messageIds: string[]): Promise<AttachmentRow[]> {
  if (!messageIds.length) return Promise.resolve([]);
  return db.selectFrom("attachments").selectAll().where("message_id", "in", messageIds).orderBy("created_at").execute();
}

/** Deletes an upload's row unless it was attached to a message meanwhile. */
export function deleteUnboundAttachment(db: Db, id: string): Promise<unknown> {
  return db.deleteFrom("attachments").where("id", "=", id).where("message_id", "is", null).execute();
}

/** Binds uploads to a message: only unbound ones from this uploader. Returns how many were bound. */
export async function bindAttachments(
  db: Db,
  ids: string[],
  uploader: string,
  target: { messageId: string; conversationId: string },
): Promise<number> {
  if (!ids.length) return 0;
  const result = await db
    .updateTable("attachments")
    .set({ message_id: target.messageId, conversation_id: target.conversationId })
    .where("id", "in", ids)
    .where("uploaded_by", "=", uploader)
    .where("message_id", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export interface ConversationListFilter {
  /** One status, or every status ("all"). */
  status: ConversationRow["status"] | "all";
  assignee: { kind: "all" } | { kind: "unassigned" } | { kind: "agent"; id: string };
  /** Only conversations of this inbox. */
  inboxId?: string | undefined;
  /** Only conversations wearing this label. */
  labelId?: string | undefined;
  before?: { lastMessageAt: number; id: string };
  /** Only these inboxes (an agent's own; never empty); undefined: every inbox (admins). */
  inboxIds?: readonly string[] | undefined;
  limit: number;
}

/** Conversations with their visitor's profile, as the inbox lists them (narrowed by listFilterOf). */
export function listedConversations(db: Db) {
  return db
    .selectFrom("conversations as c")
    .innerJoin("visitors as v", "v.id", "c.visitor_id")
    .selectAll("c")
    .select(["v.name as visitor_name", "v.email as visitor_email", "v.phone as visitor_phone", "v.external_id as visitor_external_id"]);
}

/**
 * The inbox list's filters and keyset position, newest activity first: one place for the plain list
 * and the search, so both page the same way. Each filter is a plain condition on an indexed column
 * (status, assignee or inbox with last_message_at; a label through conversation_labels_label).
 */
export function listFilterOf(query: ReturnType<typeof listedConversations>, filter: ConversationListFilter) {
  let narrowed = query;
  if (filter.status !== "all") narrowed = narrowed.where("c.status", "=", filter.status);
  if (filter.assignee.kind === "unassigned") narrowed = narrowed.where("c.assignee_id", "is", null);
  if (filter.assignee.kind === "agent") narrowed = narrowed.where("c.assignee_id", "=", filter.assignee.id);
  if (filter.inboxId !== undefined) narrowed = narrowed.where("c.inbox_id", "=", filter.inboxId);
  if (filter.inboxIds) narrowed = narrowed.where("c.inbox_id", "in", filter.inboxIds);
  if (filter.labelId !== undefined) {
    const { labelId } = filter;
    narrowed = narrowed.where((eb) => eb.exists(eb.selectFrom("conversation_labels as cl").select("cl.label_id").whereRef("cl.conversation_id", "=", "c.id").where("cl.label_id", "=", labelId)));
  }
  if (filter.before) {
    const { lastMessageAt, id } = filter.before;
    narrowed = narrowed.where((eb) =>
      eb.or([eb("c.last_message_at", "<", lastMessageAt), eb.and([eb("c.last_message_at", "=", lastMessageAt), eb("c.id", "<", id)])]),
    );
  }
  return narrowed.orderBy("c.last_message_at", "desc").orderBy("c.id", "desc").limit(filter.limit);
}

/** The inbox: one tab, newest activity first, keyset-paginated. */
export function listConversationRows(db: Db, filter: ConversationListFilter) {
  return listFilterOf(listedConversations(db), filter).execute();
}

export async function countByStatus(db: Db, inboxIds?: readonly string[]): Promise<Record<ConversationRow["status"], number> & { unread: number }> {
  const rows = await db
    .selectFrom("conversations")
    .$if(inboxIds !== undefined, (q) => q.where("inbox_id", "in", inboxIds ?? []))
    .select(["status", (eb) => eb.fn.countAll<number>().as("n"), (eb) => eb.fn.sum<number>(eb.case().when("unread_for_agents", ">", 0).then(1).else(0).end()).as("unread")])
    .groupBy("status")
    .execute();
  const counts = { open: 0, pending: 0, resolved: 0, unread: 0 };
  for (const row of rows) {
    counts[row.status] = Number(row.n);
    if (row.status !== "resolved") counts.unread += Number(row.unread ?? 0);
  }
  return counts;
}

export function conversationsOfVisitor(db: Db, visitorId: string): Promise<ConversationRow[]> {
  return db.selectFrom("conversations").selectAll().where("visitor_id", "=", visitorId).orderBy("created_at", "desc").limit(50).execute();
}
