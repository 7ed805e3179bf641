import type { ConversationListFilter, ConversationRow } from "../../adapters/db/repositories/chat.ts";
import { newestMatchingMessages, searchConversationRows } from "../../adapters/db/repositories/search.ts";
import type { SearchSnippet } from "../../protocol/search.ts";
import type { DomainDeps } from "../ports.ts";
import { parseSearch, type SearchTerm, toFts5, toTsquery } from "./query.ts";
import { snippetOf } from "./snippet.ts";

type ListedRow = ConversationRow & {
  visitor_name: string | null;
  visitor_email: string | null;
  visitor_phone: string | null;
  visitor_external_id: string | null;
};

/** The terms of a search box text; none when it holds no word (then the plain list applies). */
export const searchTermsOf = (q: string | undefined): SearchTerm[] => (q ? parseSearch(q) : []);

/**
 * One page of an inbox tab narrowed by a full-text search, with a highlighted snippet per
 * conversation: its newest matching message, else the visitor's profile.
 */
export async function searchInboxPage(
  deps: Pick<DomainDeps, "db">,
  filter: ConversationListFilter,
  terms: SearchTerm[],
): Promise<{ rows: ListedRow[]; matches: Record<string, SearchSnippet> }> {
  const match = { fts5: toFts5(terms), tsquery: toTsquery(terms) };
  const rows = await searchConversationRows(deps.db, filter, match);
  const onPage = rows.slice(0, filter.limit).map((row) => row.id);
  const messages = new Map((await newestMatchingMessages(deps.db, onPage, match)).map((m) => [m.conversation_id, m]));
  const matches: Record<string, SearchSnippet> = {};
  for (const row of rows) {
    const message = messages.get(row.id);
    matches[row.id] = message
      ? snippetOf(message.body, terms, "message", message.seq)
      : snippetOf([row.visitor_name, row.visitor_email, row.visitor_phone].filter(Boolean).join(" · "), terms, "visitor", null);
  }
  return { rows, matches };
}
