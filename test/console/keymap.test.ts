import { describe, expect, it } from "vitest";
import { KeySequence, keyName, SEQUENCE_MS, SHORTCUTS } from "../../web/console/src/shortcuts/keymap.ts";

// The console's keymap: which presses are shortcuts, and the two-key "g i" / "g c".
const press = (key: string, mods: Partial<Record<"ctrlKey" | "metaKey" | "altKey" | "shiftKey", boolean>> = {}) =>
  keyName({ key, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });

describe("the console keymap", () => {
  it("names keys, leaving presses with Ctrl, Cmd or Alt to the browser", () => {
    expect(press("J")).toBe("j");
    expect(press("?", { shiftKey: true })).toBe("?");
    expect(press("A", { shiftKey: true })).toBe("Shift+A");
    expect(press("Escape")).toBe("Escape");
    expect(press("j", { ctrlKey: true })).toBeNull();
    expect(press("j", { metaKey: true })).toBeNull();
    expect(press("e", { altKey: true })).toBeNull();
  });

  it("matches single keys and g-sequences within their time", () => {
    const keys = new KeySequence();
    expect(keys.press("j", 0)).toBe("next");
    expect(keys.press("e", 10)).toBe("resolve");
    expect(keys.press("g", 20)).toBe("pending");
    expect(keys.press("c", 30)).toBe("goCalls");
    expect(keys.press("g", 40)).toBe("pending");
    expect(keys.press("i", 40 + SEQUENCE_MS + 1)).toBeNull();
    expect(keys.press("g", 5000)).toBe("pending");
    // Not a sequence: the second key counts on its own.
    expect(keys.press("j", 5010)).toBe("next");
    expect(keys.press("x", 5020)).toBeNull();
  });

  it("binds each key to one shortcut", () => {
    const bound = SHORTCUTS.map((s) => s.keys.join(" "));
    expect(new Set(bound).size).toBe(bound.length);
  });
});
