// Line breaks, other control characters and bidi overrides in what a visitor typed could fake
// extra lines (or reorder them) in a Telegram post.
const UNPRINTABLE = /[\p{Cc}\p{Zl}\p{Zp}\u200e\u200f\u202a-\u202e\u2066-\u2069]+/gu;
const LABEL_MAX = 80;

/** Visitor-supplied text for one line of an alert: no line breaks or control characters, trimmed, capped. */
export function oneLine(value: string, max = LABEL_MAX): string {
  const flat = value.replace(UNPRINTABLE, " ").replace(/\s{2,}/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A short, stable, single-line label for a visitor; one with no name is "Visitor #1a2b3c". */
export const visitorLabel = (visitor: { id: string; name: string | null; email: string | null }) =>
  oneLine(visitor.name ?? visitor.email ?? "") || `Visitor #${visitor.id.slice(0, 6)}`;
