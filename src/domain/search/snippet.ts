import type { SearchMark, SearchSnippet } from "../../protocol/search.ts";
import { foldWithOrigin } from "./fold.ts";
import type { SearchTerm } from "./query.ts";
import { wordMatcher } from "./query.ts";

// Snippets are cut in TypeScript from the original text, not by the engine: the index holds folded
// words, and the marks must land on the words as written ("İstanbul", not "istanbul").

const WORD = /[\p{L}\p{N}]+/gu;
const BEFORE = 40;
const LENGTH = 160;

/** Every stretch of `text` whose folded word matches the terms. */
export function findMarks(text: string, terms: SearchTerm[]): SearchMark[] {
  const matches = wordMatcher(terms);
  const folded = foldWithOrigin(text);
  const marks: SearchMark[] = [];
  for (const found of folded.text.matchAll(WORD)) {
    if (!matches(found[0])) continue;
    const start = folded.origin[found.index] ?? 0;
    const end = folded.origin[found.index + found[0].length] ?? text.length;
    marks.push({ start, end });
  }
  return marks;
}

/** A window of `text` around its first match, with the marks inside it; `…` where text was cut. */
export function snippetOf(text: string, terms: SearchTerm[], source: SearchSnippet["source"], messageSeq: number | null): SearchSnippet {
  const flat = text.replace(/\s+/g, " ").trim();
  const marks = findMarks(flat, terms);
  const first = marks[0]?.start ?? 0;
  let start = Math.max(0, first - BEFORE);
  // Start at a word, not inside one.
  if (start > 0) start = flat.indexOf(" ", start) + 1 || start;
  if (start > first) start = first;
  // Never cut a surrogate pair.
  const end = Math.min(flat.length, start + LENGTH);
  const safeEnd = end < flat.length && /[\uD800-\uDBFF]/.test(flat[end - 1] ?? "") ? end - 1 : end;
  const lead = start > 0 ? "…" : "";
  const tail = safeEnd < flat.length ? "…" : "";
  const shift = lead.length - start;
  return {
    source,
    messageSeq,
    text: lead + flat.slice(start, safeEnd) + tail,
    marks: marks
      .filter((mark) => mark.start >= start && mark.end <= safeEnd)
      .map((mark) => ({ start: mark.start + shift, end: mark.end + shift })),
  };
}
