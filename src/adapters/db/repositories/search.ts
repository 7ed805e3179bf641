import { type Expression, type SqlBool, SqliteAdapter, sql } from "kysely";
import type { Db } from "../database.ts";
import type { ConversationListFilter } from "./chat.ts";

// Reads of the search index. The match is the engine's own: FTS5 MATCH on SQLite, a tsquery against
// the GIN-indexed tsvector on PostgreSQL; both receive only expressions built by domain/search/query.ts.

export interface SearchMatch {
  /** For SQLite: an FTS5 MATCH expression. */
  fts5: string;
  /** For PostgreSQL: a to_tsquery('simple', …) text. */
  tsquery: string;
}

const isSqlite = (db: Db) => db.getExecutor().adapter instanceof SqliteAdapter;

function messageMatches(db: Db, match: SearchMatch): Expression<SqlBool> {
  return isSqlite(db)
    ? sql<SqlBool>`d.id in (select rowid from search_fts where search_fts match ${match.fts5})`
    : sql<SqlBool>`d.message_id is not null and d.tsv @@ to_tsquery('simple', ${match.tsquery})`;
}

function visitorMatches(db: Db, match: SearchMatch): Expression<SqlBool> {
  return isSqlite(db)
    ? sql<SqlBool>`d.id in (select rowid from visitor_fts where visitor_fts match ${match.fts5})`
    : sql<SqlBool>`d.message_id is null and d.tsv @@ to_tsquery('simple', ${match.tsquery})`;
}

/**
 * How many messages match, roughly, and no further than `cap`. SQLite counts (FTS5 streams the
 * hits, so stopping at `cap` is cheap). PostgreSQL would have to build the whole bitmap of a common
 * word's hits before counting any, so its planner's estimate from the column statistics is used.
 */
export async function countMessageHits(db: Db, match: SearchMatch, cap: number): Promise<number> {
  if (isSqlite(db)) {
    const { rows } = await sql<{ n: number }>`select count(*) as n from (select rowid from search_fts where search_fts match ${match.fts5} limit ${cap})`.execute(db);
    return Number(rows[0]?.n ?? 0);
  }
  type Plan = Array<{ Plan?: { "Plan Rows"?: number } }>;
  const { rows } = await sql<{ "QUERY PLAN": Plan | string }>`explain (format json) select 1 from search_documents d where ${messageMatches(db, match)}`.execute(db);
  const plan = rows[0]?.["QUERY PLAN"];
  const parsed: Plan = typeof plan === "string" ? JSON.parse(plan) : (plan ?? []);
  return Math.min(cap, Number(parsed[0]?.Plan?.["Plan Rows"] ?? 0));
}

/**
 * One inbox tab narrowed, through the engine's index, to conversations with a matching message or
 * of a visitor whose profile matches; newest activity first and keyset-paginated like the plain list.
 */
export function searchConversationRows(db: Db, filter: ConversationListFilter, match: SearchMatch) {
  let query = db
    .selectFrom("conversations as c")
    .innerJoin("visitors as v", "v.id", "c.visitor_id")
    .selectAll("c")
    .select(["v.name as visitor_name", "v.email as visitor_email", "v.phone as visitor_phone", "v.external_id as visitor_external_id"])
    .where("c.status", "=", filter.status)
    .where((eb) =>
      eb.or([
        eb("c.id", "in", eb.selectFrom("search_documents as d").select("d.conversation_id").where(messageMatches(db, match))),
        eb("c.visitor_id", "in", eb.selectFrom("search_documents as d").select("d.visitor_id").where(visitorMatches(db, match))),
      ]),
    );
  if (filter.assignee.kind === "unassigned") query = query.where("c.assignee_id", "is", null);
  if (filter.assignee.kind === "agent") query = query.where("c.assignee_id", "=", filter.assignee.id);
  if (filter.inboxIds) query = query.where("c.inbox_id", "in", filter.inboxIds);
  if (filter.before) {
    const { lastMessageAt, id } = filter.before;
    query = query.where((eb) =>
      eb.or([eb("c.last_message_at", "<", lastMessageAt), eb.and([eb("c.last_message_at", "=", lastMessageAt), eb("c.id", "<", id)])]),
    );
  }
  return query.orderBy("c.last_message_at", "desc").orderBy("c.id", "desc").limit(filter.limit).execute();
}

/** The indexed documents of these conversations' messages and of these visitors' profiles, newest last. */
export function documentsOf(db: Db, conversationIds: string[], visitorIds: string[]) {
  if (!conversationIds.length && !visitorIds.length) return Promise.resolve([]);
  return db
    .selectFrom("search_documents as d")
    .select(["d.id", "d.conversation_id", "d.visitor_id", "d.message_id", "d.body"])
    .where((eb) =>
      eb.or([
        ...(conversationIds.length ? [eb("d.conversation_id", "in", conversationIds)] : []),
        ...(visitorIds.length ? [eb.and([eb("d.visitor_id", "in", visitorIds), eb("d.message_id", "is", null)])] : []),
      ]),
    )
    .orderBy("d.id")
    .execute();
}

/** Messages by id, for their snippets. */
export function messagesById(db: Db, ids: string[]) {
  if (!ids.length) return Promise.resolve([]);
  return db.selectFrom("messages").select(["id", "conversation_id", "seq", "body"]).where("id", "in", ids).execute();
}
