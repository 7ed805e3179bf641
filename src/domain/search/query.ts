import { searchWords } from "./fold.ts";

// A search box query, parsed once and written in each engine's syntax. Only folded words (letters and
// digits) ever reach the engine, each quoted, so nothing a user types can be read as FTS5 or
// tsquery syntax: `"`, `*`, `-`, `:`, parentheses, NEAR, AND or a NUL are plain text or separators.

/** One term: a word, or a phrase in quotes; every term must match. */
export interface SearchTerm {
  words: string[];
  /** The last word may be the start of a longer one (the user is still typing it). */
  prefix: boolean;
}

const MAX_TERMS = 8;
const MAX_WORD = 64;

/** The terms of a query: quoted parts are phrases, other words single terms; the last word is a prefix unless followed by a space or a quote. */
export function parseSearch(input: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  const parts = input.split('"');
  parts.forEach((part, index) => {
    const words = searchWords(part).map((word) => word.slice(0, MAX_WORD));
    if (!words.length) return;
    // Odd parts sit between quotes; an unclosed quote's phrase runs to the end.
    if (index % 2 === 1) terms.push({ words, prefix: false });
    else for (const word of words) terms.push({ words: [word], prefix: false });
  });
  const last = terms.at(-1);
  if (last && /[\p{L}\p{N}]$/u.test(input)) last.prefix = true;
  return terms.slice(0, MAX_TERMS);
}

/** The terms as an FTS5 MATCH expression: `"w1" AND "w2 w3" AND "ista" *`. */
export function toFts5(terms: SearchTerm[]): string {
  return terms.map((term) => `"${term.words.join(" ")}"${term.prefix ? " *" : ""}`).join(" AND ");
}

/** The terms as a PostgreSQL tsquery (for to_tsquery('simple', …)): `'w1' & 'w2' <-> 'w3' & 'ista':*`. */
export function toTsquery(terms: SearchTerm[]): string {
  return terms
    .map((term) => {
      const words = term.words.map((word, i) => `'${word}'${term.prefix && i === term.words.length - 1 ? ":*" : ""}`);
      return words.length > 1 ? `(${words.join(" <-> ")})` : (words[0] ?? "");
    })
    .join(" & ");
}

/** Whether a folded word of a text matches one of the query's words (prefixes for the last word of a prefix term). */
export function wordMatcher(terms: SearchTerm[]): (word: string) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const term of terms) {
    term.words.forEach((word, i) => {
      if (term.prefix && i === term.words.length - 1) prefixes.push(word);
      else exact.add(word);
    });
  }
  return (word) => exact.has(word) || prefixes.some((prefix) => word.startsWith(prefix));
}

/**
 * Whether an indexed document (folded words joined by spaces) matches every term, exactly as the
 * engines decide it: a term's words side by side, its last word a prefix when it is one.
 */
export function documentMatches(document: string, terms: SearchTerm[]): boolean {
  const words = document.split(" ");
  return terms.every((term) => {
    const n = term.words.length;
    for (let at = 0; at + n <= words.length; at++) {
      let all = true;
      for (let i = 0; i < n && all; i++) {
        const want = term.words[i] ?? "";
        const have = words[at + i] ?? "";
        all = term.prefix && i === n - 1 ? have.startsWith(want) : have === want;
      }
      if (all) return true;
    }
    return false;
  });
}
