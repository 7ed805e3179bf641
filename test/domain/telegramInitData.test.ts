import { describe, expect, it } from "vitest";
import { INIT_DATA_MAX_AGE_S, verifyInitData } from "../../src/domain/calls/telegramMiniApp.ts";
import { signedInitData } from "../support/telegramInitData.ts";

const TOKEN = "123456:TEST-token-abcdefghijklmnopqrst";
const NOW = Date.parse("2026-12-03T09:00:00Z");
const nowS = NOW / 1000;

// Telegram's initData check: the HMAC chain over the sorted fields, and the age of auth_date.
describe("verifyInitData", () => {
  it("accepts genuine data and reads the user and the startapp parameter", () => {
    const data = signedInitData(TOKEN, { userId: 42, authDate: nowS - 10, startParam: "abc" });
    expect(verifyInitData(data, TOKEN, NOW)).toEqual({ userId: "42", startParam: "abc", authDate: nowS - 10 });
  });

  it("checks the signature over every field, in any order they arrive", () => {
    const data = new URLSearchParams(signedInitData(TOKEN, { userId: 42, authDate: nowS }));
    const reversed = new URLSearchParams([...data.entries()].reverse()).toString();
    expect(verifyInitData(reversed, TOKEN, NOW).userId).toBe("42");
    const added = `${data.toString()}&chat_type=private`;
    expect(() => verifyInitData(added, TOKEN, NOW)).toThrow(expect.objectContaining({ id: "telegram_init_data_invalid" }));
    expect(() => verifyInitData(data.toString(), "123456:another-token-abcdefghijkl", NOW)).toThrow(expect.objectContaining({ id: "telegram_init_data_invalid" }));
    expect(() => verifyInitData("", TOKEN, NOW)).toThrow(expect.objectContaining({ id: "telegram_init_data_invalid" }));
  });

  it("refuses data older than an hour, or from well in the future", () => {
    expect(verifyInitData(signedInitData(TOKEN, { userId: 1, authDate: nowS - INIT_DATA_MAX_AGE_S }), TOKEN, NOW).userId).toBe("1");
    for (const authDate of [nowS - INIT_DATA_MAX_AGE_S - 1, nowS + 3600]) {
      expect(() => verifyInitData(signedInitData(TOKEN, { userId: 1, authDate }), TOKEN, NOW)).toThrow(expect.objectContaining({ id: "telegram_init_data_stale" }));
    }
  });
});
