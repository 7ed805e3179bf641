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

export type SearchFilter = Omit<ConversationListFilter, "search">;

function matches(db: Db, match: SearchMatch): Expression<SqlBool> {
  return db.getExecutor().adapter instanceof SqliteAdapter
    ? sql<SqlBool>`d.id in (select rowid from search_fts where search_fts match ${match.fts5})`
    : sql<SqlBool>`d.tsv @@ to_tsquery('simple', ${match.tsquery})`;
}

/**
 * One inbox tab narrowed to conversations with a matching message, or of a visitor whose profile
 * matches; newest activity first and keyset-paginated like the plain list. `hit_doc_id` is the
 * newest matching message's document (null when only the visitor matched).
 */
export function searchConversationRows(db: Db, filter: SearchFilter, match: SearchMatch) {
  let query = db
    .with("hits", (qb) =>
      qb
        .selectFrom("search_documents as d")
        .select(["d.conversation_id", (eb) => eb.fn.max("d.id").as("doc_id")])
        .where(matches(db, match))
        .where("d.conversation_id", "is not", null)
        .groupBy("d.conversation_id"),
    )
    .with("visitor_hits", (qb) =>
      qb.selectFrom("search_documents as d").select("d.visitor_id").where(matches(db, match)).where("d.message_id", "is", null),
    )
    .selectFrom("conversations as c")
    .innerJoin("visitors as v", "v.id", "c.visitor_id")
    .leftJoin("hits as h", "h.conversation_id", "c.id")
    .selectAll("c")
    .select(["v.name as visitor_name", "v.email as visitor_email", "v.phone as visitor_phone", "v.external_id as visitor_external_id", "h.doc_id as hit_doc_id"])
    .where("c.status", "=", filter.status)
    .where((eb) => eb.or([eb("h.doc_id", "is not", null), eb("c.visitor_id", "in", eb.selectFrom("visitor_hits").select("visitor_id"))]));
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

/** The messages behind search documents, for their snippets. */
export function messagesOfDocuments(db: Db, documentIds: number[]) {
  if (!documentIds.length) return Promise.resolve([]);
  return db
    .selectFrom("search_documents as d")
    .innerJoin("messages as m", "m.id", "d.message_id")
    .select(["d.id as document_id", "m.conversation_id", "m.seq", "m.body"])
    .where("d.id", "in", documentIds)
    .execute();
}
