// Canned reply text rules shared by the server (Telegram's `/c`) and the console (the `/` picker), so
// both expand a reply the same way. No imports: the console bundles this file as it is.

/** A shortcut: 1-32 letters, digits, `-` or `_`; stored in lower case, so `Greet` and `greet` are one. */
export const SHORTCUT_PATTERN = /^[a-z0-9_-]{1,32}$/;
export const SHORTCUT_MAX = 32;
export const CANNED_TEXT_MAX = 4000;

/** The variables a reply may use, and where each value comes from. */
export const CANNED_VARIABLES = ["visitor.name", "visitor.email", "visitor.phone", "agent.name"] as const;
export type CannedVariable = (typeof CANNED_VARIABLES)[number];
export type CannedValues = Partial<Record<CannedVariable, string | null>>;

const PLACEHOLDER = /\{\{\s*([^{}\s]+)\s*\}\}/g;

/** Lower-cases a typed shortcut the way shortcuts are stored. */
export function normalizeShortcut(shortcut: string): string {
  return shortcut.trim().toLowerCase();
}

/** The `{{…}}` names in a text that are not known variables (a typo such as `{{visitor.nmae}}`). */
export function unknownVariables(text: string): string[] {
  const known = new Set<string>(CANNED_VARIABLES);
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? "").filter((name) => !known.has(name)))];
}

/**
 * Fills in the variables. A variable without a value (a visitor who gave no name) is left out
 * together with the spaces before it, so "Hello {{visitor.name}}, welcome" reads "Hello, welcome";
 * at the start of a line the spaces after it go instead.
 */
export function expandCannedReply(text: string, values: CannedValues): string {
  const known = new Set<string>(CANNED_VARIABLES);
  return text.replace(/([ \t]*)\{\{\s*([^{}\s]+)\s*\}\}([ \t]*)/g, (whole, before: string, name: string, after: string, offset: number) => {
    if (!known.has(name)) return whole;
    const value = values[name as CannedVariable]?.trim();
    if (value) return `${before}${value}${after}`;
    const atLineStart = offset === 0 || text[offset - 1] === "\n";
    if (atLineStart) return "";
    // Between two words one space stays ("Hi {{visitor.name}} and" reads "Hi and"); before punctuation none.
    const wordFollows = after !== "" && /^[\p{L}\p{N}]/u.test(text.slice(offset + whole.length));
    return wordFollows ? " " : "";
  });
}

/** Whether a reply matches what the agent typed (shortcut or text, ignoring case, Turkish İ/ı included). */
export function matchesCannedQuery(reply: { shortcut: string; text: string }, query: string): boolean {
  const q = fold(query.trim());
  if (!q) return true;
  return fold(reply.shortcut).includes(q) || fold(reply.text).includes(q);
}

/** Case folding that treats İ/i and I/ı alike, whatever the text's language. */
function fold(value: string): string {
  return value.toLocaleLowerCase("tr").replace(/ı/g, "i");
}
