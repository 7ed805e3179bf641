import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { deriveKeys } from "../../src/secrets.ts";
import { conversationOfReplyAddress, replyAddress } from "../../src/domain/mail/replyAddress.ts";
import { trimReply } from "../../src/domain/mail/trimReply.ts";

describe("trimming e-mail replies", () => {
  it.each([
    ["Gmail", "Sounds good.\n\nOn Tue, 1 Dec 2026 at 10:00, Destek <s@example.com> wrote:\n> Hello", "Sounds good."],
    ["a wrapped Gmail header", "Sounds good.\n\nOn Tue, 1 Dec 2026 at 10:00, Destek\n<s@example.com> wrote:\n> Hello", "Sounds good."],
    ["Turkish", "Tamam.\n\n1 Ara 2026 Sal, 10:00 tarihinde Destek <s@example.com> şunu yazdı:\n> Merhaba", "Tamam."],
    ["Outlook", "Fine.\n\nFrom: Destek <s@example.com>\nSent: Tuesday, 1 December 2026 10:00\nTo: me", "Fine."],
    ["Outlook in Turkish", "Olur.\n\nKimden: Destek <s@example.com>\nGönderildi: 1 Aralık 2026 Salı 10:00", "Olur."],
    ["a signature", "Yes please.\n-- \nGül Yılmaz\nACME", "Yes please."],
    ["inline quotes", "> old text\nMy answer\n> more old", "My answer"],
    ["a phone footer", "Ok\n\nSent from my iPhone", "Ok"],
  ])("cuts %s", (_name, input, expected) => {
    expect(trimReply(input)).toBe(expected);
  });

  it("keeps a line that merely starts with From: in the visitor's own text", () => {
    expect(trimReply("From: Ankara, is shipping free?")).toBe("From: Ankara, is shipping free?");
  });
});

describe("reply addresses", () => {
  const keys = deriveKeys("a master secret of at least thirty-two characters");
  const id = "0b7e3c2a-9d14-4f6e-8a51-3c2d1e0f9a8b";

  it("lead back to their conversation, in any case, and nowhere when touched", () => {
    const address = replyAddress(keys, id, "reply.example.com");
    expect(conversationOfReplyAddress(keys, address, "reply.example.com")).toBe(id);
    expect(conversationOfReplyAddress(keys, address.toUpperCase(), "reply.example.com")).toBe(id);
    expect(conversationOfReplyAddress(keys, address.replace("reply+0", "reply+1"), "reply.example.com")).toBeUndefined();
    expect(conversationOfReplyAddress(keys, address, "other.example.com")).toBeUndefined();
    expect(conversationOfReplyAddress(deriveKeys("another master secret of thirty-two characters"), address, "reply.example.com")).toBeUndefined();
  });
});

describe("e-mail settings", () => {
  it("reads them, with OFFLINE_EMAIL_DELAY_S at 300 s by default", () => {
    const config = loadConfig({ SMTP_URL: "smtps://u:p@mail.example.com:465", MAIL_FROM: '"Destek" <support@example.com>', SMTP_INBOUND_PORT: "2525", MAIL_REPLY_DOMAIN: "reply.example.com" });
    expect(config.mail).toEqual({ smtpUrl: "smtps://u:p@mail.example.com:465", from: '"Destek" <support@example.com>', offlineDelayMs: 300_000, replyDomain: "reply.example.com" });
    expect(config.inboundMail).toEqual({ port: 2525, domain: "reply.example.com" });
    expect(loadConfig({}).mail).toBeUndefined();
    expect(loadConfig({}).inboundMail).toBeUndefined();
  });

  it.each([
    [{ SMTP_URL: "http://mail.example.com" }, /SMTP_URL must be an smtp/],
    [{ SMTP_URL: "smtp://mail.example.com" }, /MAIL_FROM must be set when SMTP_URL is/],
    [{ SMTP_INBOUND_PORT: "2525" }, /MAIL_REPLY_DOMAIN must be set/],
    [{ MAIL_REPLY_DOMAIN: "not a domain" }, /MAIL_REPLY_DOMAIN must be a domain name/],
    [{ OFFLINE_EMAIL_DELAY_S: "-1" }, /OFFLINE_EMAIL_DELAY_S must be a whole number/],
  ])("refuses %o naming the variable", (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
