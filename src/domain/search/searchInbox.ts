import { type ConversationListFilter, type ConversationRow, listConversationRows } from "../../adapters/db/repositories/chat.ts";
import { countMessageHits, documentsOf, messagesById, searchConversationRows } from "../../adapters/db/repositories/search.ts";
import { indexAllNotedMessages } from "../../adapters/db/repositories/searchIndex.ts";
import type { SearchSnippet } from "../../protocol/search.ts";
import type { DomainDeps } from "../ports.ts";
import { documentMatches, parseSearch, type SearchTerm, toFts5, toTsquery } from "./query.ts";
import { snippetOf } from "./snippet.ts";

// Two plans, picked by how many messages match. A rare query asks the engine's index (FTS5,
// tsvector) for its hits and lists their conversations. A common one (a word in a large share of
// all messages) would make the engine collect hundreds of thousands of hits for one page, so it
// walks the tab's conversations newest first instead and checks their indexed words here, which
// fills a page after a few dozen conversations. Both decide a match the same way (query.ts).

/** From this many matching messages on, a query counts as common. */
export const COMMON_QUERY_HITS = 20_000;
/** Conversations read per step of the walk, and steps at most before a page is handed back (then shorter, with a cursor). */
const WALK_CHUNK = 100;
const WALK_STEPS = 50;

type ListedRow = ConversationRow & {
  visitor_name: string | null;
  visitor_email: string | null;
  visitor_phone: string | null;
  visitor_external_id: string | null;
};
type Position = { lastMessageAt: number; id: string };
const positionOf = (row: ConversationRow): Position => ({ lastMessageAt: row.last_message_at, id: row.id });

/** The terms of a search box text; none when it holds no word (then the plain list applies). */
export const searchTermsOf = (q: string | undefined): SearchTerm[] => (q ? parseSearch(q) : []);

export interface SearchPage {
  rows: ListedRow[];
  /** Why each row matched, by conversation id. */
  matches: Record<string, SearchSnippet>;
  /** Where the next page starts; null after the last. */
  next: Position | null;
}

/**
 * One page (`filter.limit` conversations at most) of an inbox tab narrowed by a full-text search,
 * with a highlighted snippet per conversation: its newest matching message, else the visitor's profile.
 */
export async function searchInboxPage(
  deps: Pick<DomainDeps, "db">,
  filter: ConversationListFilter,
  terms: SearchTerm[],
  commonAbove = COMMON_QUERY_HITS,
): Promise<SearchPage> {
  // Messages are indexed in batches after they are sent; a search takes the latest first, so it
  // finds a message the moment it is acknowledged.
  await indexAllNotedMessages(deps.db);
  const match = { fts5: toFts5(terms), tsquery: toTsquery(terms) };
  // Counted without phrases: a phrase of two common words is costly to count (positions compared
  // all along both words' hits) and is common enough for the walk; the walk checks the phrase.
  const words = terms.flatMap((term) => term.words.map((word, i) => ({ words: [word], prefix: term.prefix && i === term.words.length - 1 })));
  const common = (await countMessageHits(deps.db, { fts5: toFts5(words), tsquery: toTsquery(words) }, commonAbove)) >= commonAbove;
  const { rows, next } = common ? await walk(deps, filter, terms) : await viaIndex(deps, filter, match);
  return { rows, next, matches: await snippets(deps, rows, terms) };
}

async function viaIndex(deps: Pick<DomainDeps, "db">, filter: ConversationListFilter, match: { fts5: string; tsquery: string }) {
  const rows = await searchConversationRows(deps.db, { ...filter, limit: filter.limit + 1 }, match);
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return { rows: page, next: rows.length > filter.limit && last ? positionOf(last) : null };
}

async function walk(deps: Pick<DomainDeps, "db">, filter: ConversationListFilter, terms: SearchTerm[]) {
  const found: ListedRow[] = [];
  let before = filter.before;
  for (let step = 0; step < WALK_STEPS; step++) {
    const rows = await listConversationRows(deps.db, { ...filter, ...(before ? { before } : {}), limit: WALK_CHUNK });
    const matching = await matchingConversations(deps, rows, terms);
    for (const row of rows) {
      if (!matching.has(row.id)) continue;
      if (found.length === filter.limit) return { rows: found, next: positionOf(found[found.length - 1] as ListedRow) };
      found.push(row);
    }
    const last = rows.at(-1);
    if (!last || rows.length < WALK_CHUNK) return { rows: found, next: null };
    before = positionOf(last);
  }
  // Out of steps: hand back what was found, and go on from here on the next page.
  return { rows: found, next: before ?? null };
}

async function matchingConversations(deps: Pick<DomainDeps, "db">, rows: ListedRow[], terms: SearchTerm[]): Promise<Set<string>> {
  const documents = await documentsOf(deps.db, rows.map((row) => row.id), rows.map((row) => row.visitor_id));
  const hits = new Set<string>();
  for (const document of documents) {
    if (!documentMatches(document.body, terms)) continue;
    if (document.conversation_id) hits.add(document.conversation_id);
    else for (const row of rows) if (row.visitor_id === document.visitor_id) hits.add(row.id);
  }
  return hits;
}

async function snippets(deps: Pick<DomainDeps, "db">, rows: ListedRow[], terms: SearchTerm[]): Promise<Record<string, SearchSnippet>> {
  // Documents come oldest first: the last matching one of a conversation is its newest hit.
  const newest = new Map<string, string>();
  for (const document of await documentsOf(deps.db, rows.map((row) => row.id), [])) {
    if (document.conversation_id && document.message_id && documentMatches(document.body, terms)) newest.set(document.conversation_id, document.message_id);
  }
  const messages = new Map((await messagesById(deps.db, [...newest.values()])).map((m) => [m.conversation_id, m]));
  const matches: Record<string, SearchSnippet> = {};
  for (const row of rows) {
    const message = messages.get(row.id);
    matches[row.id] = message
      ? snippetOf(message.body, terms, "message", message.seq)
      : snippetOf([row.visitor_name, row.visitor_email, row.visitor_phone].filter(Boolean).join(" · "), terms, "visitor", null);
  }
  return matches;
}
