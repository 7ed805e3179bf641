import { describe, expect, it } from "vitest";
import { labelKey } from "../../src/domain/labels.ts";

// The form a label name is unique in: case and spacing do not count, and Turkish's four i's are one.
describe("labelKey", () => {
  it("folds case, spacing and the Turkish i's, and keeps other letters apart", () => {
    expect(new Set(["İade", "IADE", "iade", "ıade", "  iade "].map(labelKey))).toEqual(new Set(["iade"]));
    expect(labelKey("Fatura  İtirazı")).toBe(labelKey("fatura itirazi"));
    expect(labelKey("ŞİKAYET")).toBe("şikayet");
    // A cedilla or a breve is a different letter in Turkish: these stay two labels.
    expect(labelKey("Şeker")).not.toBe(labelKey("Seker"));
    expect(labelKey("Öde")).not.toBe(labelKey("Ode"));
    // Composed and decomposed spellings of one name are one label.
    expect(labelKey("Ödeme")).toBe(labelKey("O\u0308deme"));
  });
});
