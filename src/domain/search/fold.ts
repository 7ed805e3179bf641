// Search folding: the one place that decides which spellings count as the same word.
//
// Turkish has four i's (I ı İ i). A plain lower-case maps I to i and İ to "i̇" (two code points),
// and FTS5's unicode61 tokenizer or PostgreSQL's lower() follow the database's locale, so
// "istanbul" would miss "İSTANBUL" or "ISTANBUL" depending on the engine. Instead every searchable
// text is folded here, in TypeScript, before it is written to the index, and the query is folded the
// same way: lower-cased the Turkish way (I→ı, İ→i), then ı→i and every diacritic removed (ş→s,
// ç→c, ğ→g, ö→o, ü→u, é→e). So "istanbul", "İstanbul" and "ISTANBUL" match each other, as do "ılık"
// and "ILIK", "şeker", "ŞEKER" and "seker" (a Turkish user on a keyboard without Turkish letters types
// the latter). The price: words that differ only by a dotless i or a cedilla ("sık"/"sik") match too.
//
// Folding works one code point at a time and keeps a map back to the original text, so a snippet can
// mark the matched words in the text as written.

const MARKS = /\p{M}/gu;
const WORD = /[\p{L}\p{N}]+/gu;

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 127) return false;
  return true;
}
// Folding a character runs ICU twice; texts repeat the same few hundred characters, so each is folded once.
const folds = new Map<string, string>();

/** The folded form of one code point (usually one character, sometimes none or several). */
function foldChar(ch: string): string {
  if (ch.length === 1 && ch.charCodeAt(0) < 128) return ch.toLowerCase();
  let out = folds.get(ch);
  if (out === undefined) {
    out = ch === "I" || ch === "ı" || ch === "İ" ? "i" : ch.toLocaleLowerCase("tr").normalize("NFD").replace(MARKS, "").replace(/ı/g, "i").normalize("NFC");
    if (folds.size < 50_000) folds.set(ch, out);
  }
  return out;
}

/** `text` folded, without the map back to the original (what the index stores). */
export function foldText(text: string): string {
  if (isAscii(text)) return text.toLowerCase();
  let folded = "";
  for (const ch of text) folded += foldChar(ch);
  return folded;
}

export interface FoldedText {
  /** The folded text. */
  text: string;
  /** For each UTF-16 unit of `text`, the offset in the original text of the character it came from. */
  origin: number[];
}

/** Folds `text` and remembers where each folded character came from. */
export function foldWithOrigin(text: string): FoldedText {
  let folded = "";
  const origin: number[] = [];
  let offset = 0;
  for (const ch of text) {
    const out = foldChar(ch);
    folded += out;
    for (let i = 0; i < out.length; i++) origin.push(offset);
    offset += ch.length;
  }
  origin.push(offset);
  return { text: folded, origin };
}

/** The words of `text`, folded: letters and digits, everything else separates words. */
export function searchWords(text: string): string[] {
  return foldText(text).match(WORD) ?? [];
}

/**
 * What the index stores for a text: its folded words joined by single spaces. Both engines then
 * split it the same way (FTS5's unicode61 and PostgreSQL's `simple` parser agree on plain words),
 * so an e-mail address or a hyphenated word is indexed as its parts on either engine.
 */
export function searchDocument(...parts: Array<string | null | undefined>): string {
  return parts.flatMap((part) => (part ? searchWords(part) : [])).join(" ");
}
