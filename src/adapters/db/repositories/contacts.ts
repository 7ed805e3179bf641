import { type ExpressionBuilder, sql } from "kysely";
import type { Db } from "../database.ts";
import type { Database } from "../schema.ts";
import type { VisitorRow } from "./chat.ts";

// Reads of the contact page. A contact is a visitor row that was not merged into another; the rows
// merged into it (and anonymous devices retired when they signed in) are listed with it.

export type ContactRow = VisitorRow & { conversation_count: number };

/** The conversations of contact `v` and of the rows folded into it, as `conversation_count`. */
function conversationCount(eb: ExpressionBuilder<Database & { v: Database["visitors"] }, "v">) {
  return eb
    .selectFrom("conversations as c")
    .select(eb.fn.countAll<number>().as("n"))
    .where((c) => c.or([c("c.visitor_id", "=", c.ref("v.id")), c("c.visitor_id", "in", c.selectFrom("visitors as m").select("m.id").whereRef("m.merged_into", "=", "v.id"))]))
    .as("conversation_count");
}

/**
 * A page of contacts, most recently seen first. Anonymous visitors who never wrote and left no
 * detail are passers-by, not contacts. `words` are folded search words, matched as parts of the
 * folded profile the search index keeps (name, e-mail, phone, company).
 */
export function listContactRows(db: Db, options: { words: string[]; before?: { at: number; id: string } | undefined; limit: number }): Promise<ContactRow[]> {
  let query = db
    .selectFrom("visitors as v")
    .selectAll("v")
    .select((eb) => conversationCount(eb))
    .where("v.merged_into", "is", null)
    .where((eb) =>
      eb.or([
        eb.exists(eb.selectFrom("conversations as c").select(sql.lit(1).as("one")).whereRef("c.visitor_id", "=", "v.id")),
        eb("v.name", "is not", null),
        eb("v.email", "is not", null),
        eb("v.phone", "is not", null),
        eb("v.company", "is not", null),
      ]),
    );
  if (options.words.length) {
    query = query.where((eb) =>
      eb.exists(
        options.words.reduce(
          (docs, word) => docs.where("d.body", "like", `%${word}%`),
          eb.selectFrom("search_documents as d").select(sql.lit(1).as("one")).whereRef("d.visitor_id", "=", "v.id").where("d.message_id", "is", null),
        ),
      ),
    );
  }
  const before = options.before;
  if (before) {
    query = query.where((eb) => eb.or([eb("v.last_seen_at", "<", before.at), eb.and([eb("v.last_seen_at", "=", before.at), eb("v.id", "<", before.id)])]));
  }
  return query
    .orderBy("v.last_seen_at", "desc")
    .orderBy("v.id", "desc")
    .limit(options.limit)
    .execute()
    .then((rows) => rows.map((row) => ({ ...row, conversation_count: Number(row.conversation_count ?? 0) })));
}

/** The contact's own id and those of the visitor rows folded into it (merged, or a device retired at sign-in). */
export async function contactVisitorIds(db: Db, id: string): Promise<string[]> {
  const folded = await db.selectFrom("visitors").select("id").where("merged_into", "=", id).execute();
  return [id, ...folded.map((row) => row.id)];
}

/** Widget tokens that open the contact: its own (unless retired) and its further devices'. */
export async function deviceCountOf(db: Db, visitor: VisitorRow): Promise<number> {
  const row = await db.selectFrom("visitor_tokens").select((eb) => eb.fn.countAll<number>().as("n")).where("visitor_id", "=", visitor.id).executeTakeFirst();
  const own = visitor.token_hash.includes(":") ? 0 : 1;
  return own + Number(row?.n ?? 0);
}

/** Up to `limit` conversations of these visitor rows, newest first. */
export function conversationRowsOf(db: Db, visitorIds: string[], limit: number) {
  return db.selectFrom("conversations").selectAll().where("visitor_id", "in", visitorIds).orderBy("created_at", "desc").orderBy("id", "desc").limit(limit).execute();
}

/** Up to `limit` calls of these visitor rows with the answering agent's name, newest first. */
export function callRowsOf(db: Db, visitorIds: string[], limit: number) {
  return db
    .selectFrom("calls as c")
    .leftJoin("agents as a", "a.id", "c.agent_id")
    .selectAll("c")
    .select("a.name as agent_name")
    .where("c.visitor_id", "in", visitorIds)
    .orderBy("c.created_at", "desc")
    .orderBy("c.id", "desc")
    .limit(limit)
    .execute();
}

/** The ratings of these visitor rows, newest first. */
export function ratingRowsOf(db: Db, visitorIds: string[], limit: number) {
  return db.selectFrom("conversation_ratings").selectAll().where("visitor_id", "in", visitorIds).orderBy("updated_at", "desc").limit(limit).execute();
}

/** Other contacts with this e-mail address (addresses are stored lower-cased). */
export async function sameEmailContacts(db: Db, visitor: VisitorRow, limit: number): Promise<ContactRow[]> {
  if (!visitor.email) return [];
  const rows = await db
    .selectFrom("visitors as v")
    .selectAll("v")
    .select((eb) => conversationCount(eb))
    .where("v.email", "=", visitor.email.toLowerCase())
    .where("v.id", "!=", visitor.id)
    .where("v.merged_into", "is", null)
    .orderBy("v.last_seen_at", "desc")
    .limit(limit)
    .execute();
  return rows.map((row) => ({ ...row, conversation_count: Number(row.conversation_count ?? 0) }));
}

/** Whether the visitor has a call waiting, ringing or in progress. */
export async function hasLiveCall(db: Db, visitorId: string): Promise<boolean> {
  const row = await db.selectFrom("calls").select("id").where("visitor_id", "=", visitorId).where("status", "in", ["queued", "ringing", "active"]).executeTakeFirst();
  return row !== undefined;
}

/** Each contact's name (or e-mail when it has none), by id: how the audit log names them. */
export async function contactNames(db: Db, ids: string[]): Promise<Map<string, string | null>> {
  if (!ids.length) return new Map();
  const rows = await db.selectFrom("visitors").select(["id", "name", "email"]).where("id", "in", ids).execute();
  return new Map(rows.map((row) => [row.id, row.name ?? row.email]));
}
