import { describe, expect, it } from "vitest";
import { foldText, searchDocument } from "../../src/domain/search/fold.ts";
import { parseSearch, toFts5, toTsquery } from "../../src/domain/search/query.ts";
import { findMarks, snippetOf } from "../../src/domain/search/snippet.ts";

describe("search folding and queries", () => {
  it("folds the four Turkish i's and Turkish letters to one form", () => {
    expect(["İstanbul", "ISTANBUL", "istanbul", "Istanbul", "ıstanbul"].map(foldText)).toEqual(Array(5).fill("istanbul"));
    expect(foldText("ILIK ılık")).toBe("ilik ilik");
    expect(foldText("ŞEKER Çağrı Gözlük Üzüm")).toBe("seker cagri gozluk uzum");
    expect(searchDocument("ali.veli@örnek.com", null, "+90 (532) 111")).toBe("ali veli ornek com 90 532 111");
  });

  it("writes only quoted words to the engines, whatever was typed", () => {
    const terms = parseSearch('NEAR(a b) "İstanbul ka" -x:* \u0000 ista');
    expect(terms).toEqual([
      { words: ["near"], prefix: false }, { words: ["a"], prefix: false }, { words: ["b"], prefix: false },
      { words: ["istanbul", "ka"], prefix: false }, { words: ["x"], prefix: false }, { words: ["ista"], prefix: true },
    ]);
    expect(toFts5(terms)).toBe('"near" AND "a" AND "b" AND "istanbul ka" AND "x" AND "ista" *');
    expect(toTsquery(terms)).toBe("'near' & 'a' & 'b' & ('istanbul' <-> 'ka') & 'x' & 'ista':*");
    expect(parseSearch("ista ")[0]?.prefix).toBe(false);
    expect(parseSearch('"* ( ) :"')).toEqual([]);
  });

  it("marks words as written, across letters that fold to two or none", () => {
    const text = "Hey İSTANBUL'da ŞEKER ve ılık süt 🙂 İstanbul";
    const marks = findMarks(text, parseSearch("istanbul seker "));
    expect(marks.map((m) => text.slice(m.start, m.end))).toEqual(["İSTANBUL", "ŞEKER", "İstanbul"]);
    const long = `${"kelime ".repeat(40)}aranan söz ${"son ".repeat(60)}`;
    const snippet = snippetOf(long, parseSearch("aranan "), "message", 3);
    expect(snippet.text.startsWith("…")).toBe(true);
    expect(snippet.text.endsWith("…")).toBe(true);
    expect(snippet.marks.map((m) => snippet.text.slice(m.start, m.end))).toEqual(["aranan"]);
  });
});
