import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { csvCell } from "../../src/domain/privacy/accessLog.ts";
import { checkLink, type LinkKind, linkIsValid, mediaSessionId, mediaSessionToken, signedLink } from "../../src/domain/signedLinks.ts";
import { ManualClock } from "../support/testApp.ts";

// Signed links to stored bytes, with and without a session binding, and the media-session cookie
// that names the session a browser holds.

const bound: LinkKind = { path: "/recordings", purpose: "recording", key: randomBytes(32), ttlSeconds: 3600, boundToSession: true };
const open: LinkKind = { path: "/files", purpose: "file", key: randomBytes(32), ttlSeconds: 3600 };

function parts(link: string) {
  const url = new URL(link, "http://x");
  return {
    id: url.pathname.split("/").pop() ?? "",
    expires: Number(url.searchParams.get("exp")),
    signature: url.searchParams.get("sig") ?? "",
    tag: url.searchParams.get("ses") ?? undefined,
  };
}

describe("signed links", () => {
  const clock = new ManualClock();
  const id = randomUUID();
  const mine = randomUUID();
  const theirs = randomUUID();

  it("binds a link of a bound kind to the session it was handed to", () => {
    const link = signedLink(clock, bound, id, mine);
    expect(link).toMatch(/^\/recordings\/[\w-]+\?exp=\d+&ses=[\w-]{22}&sig=[\w-]+$/);
    expect(link).not.toContain(mine); // the tag names the session without showing its id
    expect(checkLink(clock, bound, parts(link), mine)).toBe("ok");
    expect(checkLink(clock, bound, parts(link), theirs)).toBe("not_yours");
    expect(checkLink(clock, bound, parts(link), undefined)).toBe("not_yours");
  });

  it("treats a changed tag, signature or expiry, an untagged link and an expired one as invalid", () => {
    const link = parts(signedLink(clock, bound, id, mine));
    const theirLink = parts(signedLink(clock, bound, id, theirs));
    // Their tag under my signature: forged, not merely someone else's.
    expect(checkLink(clock, bound, { ...link, tag: theirLink.tag }, theirs)).toBe("invalid");
    expect(checkLink(clock, bound, { ...link, signature: theirLink.signature }, mine)).toBe("invalid");
    expect(checkLink(clock, bound, { ...link, expires: link.expires + 60 }, mine)).toBe("invalid");
    expect(checkLink(clock, bound, { ...link, tag: undefined }, mine)).toBe("invalid");
    expect(checkLink(clock, bound, { ...link, id: randomUUID() }, mine)).toBe("invalid");
    clock.advance(3601 * 1000);
    try {
      expect(checkLink(clock, bound, link, mine)).toBe("invalid");
    } finally {
      clock.advance(-3601 * 1000);
    }
  });

  it("refuses to make a bound link without a session, and leaves unbound kinds as they were", () => {
    expect(() => signedLink(clock, bound, id)).toThrow(/bound to a session/);
    const link = signedLink(clock, open, id, mine);
    expect(link).toMatch(/^\/files\/[\w-]+\?exp=\d+&sig=[\w-]+$/);
    const { expires, signature } = parts(link);
    expect(linkIsValid(clock, open, id, expires, signature)).toBe(true);
    expect(checkLink(clock, open, parts(link), undefined)).toBe("ok");
    // A key of one kind never opens the other.
    expect(checkLink(clock, bound, parts(link), mine)).toBe("invalid");
  });
});

describe("the media-session cookie", () => {
  const key = randomBytes(32);
  const session = randomUUID();

  it("names its session only when its signature is genuine", () => {
    const token = mediaSessionToken(key, session);
    expect(mediaSessionId(key, token)).toBe(session);
    expect(mediaSessionId(randomBytes(32), token)).toBeUndefined();
    expect(mediaSessionId(key, `${randomUUID()}.${token.split(".")[1]}`)).toBeUndefined();
    for (const bad of [undefined, "", session, `.${token}`, `${token}x`, "x".repeat(500)]) expect(mediaSessionId(key, bad)).toBeUndefined();
  });
});

describe("CSV cells", () => {
  it("quote everything, double quotes, and keep formulas as text", () => {
    expect(csvCell("Ayşe")).toBe('"Ayşe"');
    expect(csvCell(null)).toBe('""');
    expect(csvCell('say "hi", then go')).toBe('"say ""hi"", then go"');
    expect(csvCell("line\r\nbreak")).toBe('"line\r\nbreak"');
    for (const start of ["=", "+", "-", "@", "\t", "\r"]) expect(csvCell(`${start}1+2`)).toBe(`"'${start}1+2"`);
    expect(csvCell("a=b")).toBe('"a=b"');
  });
});
