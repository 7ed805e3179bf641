import { type Expression, type SqlBool, SqliteAdapter, sql } from "kysely";
import type { Db } from "../database.ts";
import type { ConversationListFilter } from "./chat.ts";

// Reads of the search index. The match is the engine's own: FTS5 MATCH on SQLite, a tsquery against
// the GIN-indexed tsvector on PostgreSQL; both receive only expressions built by domain/search/query.ts.
//
// Two plans, picked by how many messages match (`countMessageHits`): a rare query collects its hits
// first and lists their conversations; a common one walks the tab's conversations newest first and
// asks of each whether one of its messages matches, which stops after a page. Each is fast where the
// other is slow (a common word has hundreds of thousands of hits; a rare one may sit in no recent
// conversation).

export interface SearchMatch {
  /** For SQLite: an FTS5 MATCH expression. */
  fts5: string;
  /** For PostgreSQL: a to_tsquery('simple', …) text. */
  tsquery: string;
}

export type SearchFilter = ConversationListFilter;

/** Above this many matching messages a query counts as common (walks conversations). */
export const COMMON_QUERY_HITS = 20_000;

const isSqlite = (db: Db) => db.getExecutor().adapter instanceof SqliteAdapter;

/** `d` (a search document) is a message matching the query: as a set (many rows) or probed row by row. */
function messageMatches(db: Db, match: SearchMatch, probe: boolean): Expression<SqlBool> {
  if (!isSqlite(db)) return sql<SqlBool>`d.message_id is not null and d.tsv @@ to_tsquery('simple', ${match.tsquery})`;
  return probe
    ? sql<SqlBool>`exists (select 1 from search_fts where search_fts match ${match.fts5} and rowid = d.id)`
    : sql<SqlBool>`d.id in (select rowid from search_fts where search_fts match ${match.fts5})`;
}

function visitorMatches(db: Db, match: SearchMatch): Expression<SqlBool> {
  return isSqlite(db)
    ? sql<SqlBool>`d.id in (select rowid from visitor_fts where visitor_fts match ${match.fts5})`
    : sql<SqlBool>`d.message_id is null and d.tsv @@ to_tsquery('simple', ${match.tsquery})`;
}

/** How many messages match, counting no further than `cap`. */
export async function countMessageHits(db: Db, match: SearchMatch, cap = COMMON_QUERY_HITS): Promise<number> {
  const hits = isSqlite(db)
    ? sql<{ n: number }>`select count(*) as n from (select rowid from search_fts where search_fts match ${match.fts5} limit ${cap})`
    : sql<{ n: number }>`select count(*) as n from (select 1 from search_documents d where ${messageMatches(db, match, false)} limit ${cap}) as hits`;
  const { rows } = await hits.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/**
 * One inbox tab narrowed to conversations with a matching message, or of a visitor whose profile
 * matches; newest activity first and keyset-paginated like the plain list.
 */
export async function searchConversationRows(db: Db, filter: SearchFilter, match: SearchMatch, commonAbove = COMMON_QUERY_HITS) {
  const common = (await countMessageHits(db, match, commonAbove)) >= commonAbove;
  let query = db
    .selectFrom("conversations as c")
    .innerJoin("visitors as v", "v.id", "c.visitor_id")
    .selectAll("c")
    .select(["v.name as visitor_name", "v.email as visitor_email", "v.phone as visitor_phone", "v.external_id as visitor_external_id"])
    .where("c.status", "=", filter.status)
    .where((eb) =>
      eb.or([
        common
          ? eb.exists(eb.selectFrom("search_documents as d").select("d.id").whereRef("d.conversation_id", "=", "c.id").where(messageMatches(db, match, true)))
          : eb("c.id", "in", eb.selectFrom("search_documents as d").select("d.conversation_id").where(messageMatches(db, match, false))),
        eb("c.visitor_id", "in", eb.selectFrom("search_documents as d").select("d.visitor_id").where(visitorMatches(db, match))),
      ]),
    );
  if (filter.assignee.kind === "unassigned") query = query.where("c.assignee_id", "is", null);
  if (filter.assignee.kind === "agent") query = query.where("c.assignee_id", "=", filter.assignee.id);
  if (filter.before) {
    const { lastMessageAt, id } = filter.before;
    query = query.where((eb) =>
      eb.or([eb("c.last_message_at", "<", lastMessageAt), eb.and([eb("c.last_message_at", "=", lastMessageAt), eb("c.id", "<", id)])]),
    );
  }
  return query.orderBy("c.last_message_at", "desc").orderBy("c.id", "desc").limit(filter.limit).execute();
}

/** The newest matching message of each of these conversations, for its snippet. */
export async function newestMatchingMessages(db: Db, conversationIds: string[], match: SearchMatch) {
  if (!conversationIds.length) return [];
  const newest = await db
    .selectFrom("search_documents as d")
    .select(["d.conversation_id", (eb) => eb.fn.max("d.id").as("document_id")])
    .where("d.conversation_id", "in", conversationIds)
    .where(messageMatches(db, match, true))
    .groupBy("d.conversation_id")
    .execute();
  const ids = newest.map((row) => Number(row.document_id));
  if (!ids.length) return [];
  return db
    .selectFrom("search_documents as d")
    .innerJoin("messages as m", "m.id", "d.message_id")
    .select(["m.conversation_id", "m.seq", "m.body"])
    .where("d.id", "in", ids)
    .execute();
}
