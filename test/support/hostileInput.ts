import { randomUUID } from "node:crypto";
import fc from "fast-check";

// Generators of hostile input for the fuzz tests: wrong types, huge strings, deep nesting,
// prototype keys, NUL bytes, numbers as strings, arrays for objects. Known field names appear
// often, with plausible values among the hostile ones, so payloads also get past the first check
// and into the handlers.

/** Fixed unless FUZZ_SEED is set, so a failure replays; fast-check prints seed and path on failure. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261202);

/** Field names the routes and events read. */
export const FIELD_NAMES = [
  "username", "password", "ticket", "code", "method", "token", "name", "admin", "telegramChatId", "language",
  "conversationId", "callId", "clientId", "body", "attachmentIds", "pageUrl", "afterSeq", "seq", "kind", "typing",
  "agentId", "status", "media", "signal", "type", "sdp", "candidate", "sdpMid", "sdpMLineIndex", "email", "phone",
  "q", "cursor", "limit", "beforeSeq", "before", "assignee", "exp", "sig", "update_id", "message",
] as const;

const trickyStrings = fc.constantFrom(
  "", " ", "\u0000", "a\u0000b", "__proto__", "constructor", "prototype", "toString", "hasOwnProperty",
  "0", "-1", "1.5", "1e309", "NaN", "Infinity", "null", "undefined", "true", "[]", "{}", "[object Object]",
  "' OR 1=1 --", "\"; DROP TABLE agents; --", "../../etc/passwd", "%00", "%zz", "\ud800", "\u202e", "\r\n\r\n",
  "<script>alert(1)</script>", "javascript:alert(1)", "https://a.example/\u0000", "x".repeat(300),
  "00000000-0000-0000-0000-000000000000", "tr", "en", "open", "read", "delivered", "audio", "video", "offer", "candidate",
);

/** A huge string: many copies of one character, up to `max` long (cheap to build, unlike fc.string). */
export const hugeString = (max: number) =>
  fc.tuple(fc.constantFrom("x", "\u0000", "é", "🙂", "%"), fc.integer({ min: Math.min(1000, max), max })).map(([c, n]) => c.repeat(Math.ceil(n / c.length)));

/** Arrays or objects nested `depth` deep. */
export const deeplyNested = fc.tuple(fc.boolean(), fc.integer({ min: 50, max: 3000 })).map(([arrays, depth]) => {
  let value: unknown = "bottom";
  for (let i = 0; i < depth; i++) value = arrays ? [value] : { a: value };
  return value;
});

export function hostileString(maxHuge: number): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: trickyStrings },
    { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: hugeString(maxHuge) },
  );
}

const leaf = (maxHuge: number, ids: () => string[]) =>
  fc.oneof(
    hostileString(maxHuge),
    fc.constantFrom(null, undefined, true, false, 0, -1, 1, 2 ** 53, -(2 ** 53), 1.5, Number.MAX_VALUE, Number.NaN),
    fc.integer(),
    fc.double(),
    // Real resource ids, so payloads reach the handlers' own checks.
    fc.nat().map((i) => {
      const known = ids();
      return known.length ? known[i % known.length] : randomUUID();
    }),
  );

const key = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...FIELD_NAMES) }, fc.constantFrom("__proto__", "constructor", "prototype"), fc.string({ maxLength: 12 }));

/** Any JSON-ish value: hostile leaves, nested arrays and objects (with prototype keys), deep nests. */
export function hostileValue(options: { maxHuge: number; ids?: () => string[] }): fc.Arbitrary<unknown> {
  const ids = options.ids ?? (() => []);
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: "small", maxDepth: 4 }, leaf(options.maxHuge, ids), tie("array"), tie("object")),
    array: fc.array(tie("value"), { maxLength: 4 }),
    object: fc.dictionary(key, tie("value"), { maxKeys: 5 }),
  }));
  return fc.oneof({ weight: 6, arbitrary: value }, { weight: 1, arbitrary: deeplyNested });
}

/** An object of known field names with hostile or plausible values: most payloads look like this. */
export function hostilePayload(options: { maxHuge: number; ids?: () => string[] }): fc.Arbitrary<unknown> {
  const value = hostileValue(options);
  const plausible = fc.dictionary(fc.constantFrom(...FIELD_NAMES), value, { maxKeys: 6 });
  const withSignal = fc.record(
    { callId: value, signal: fc.record({ type: fc.constantFrom("offer", "answer", "candidate", "x"), sdp: value, candidate: value }, { requiredKeys: [] }) },
    { requiredKeys: [] },
  );
  return fc.oneof({ weight: 5, arbitrary: plausible }, { weight: 1, arbitrary: withSignal }, { weight: 3, arbitrary: value });
}
