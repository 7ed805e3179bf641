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
    // Control characters inside ordinary text, NUL above all (PostgreSQL refuses it in text).
    { weight: 3, arbitrary: fc.tuple(fc.string({ maxLength: 10 }), fc.constantFrom("\u0000", "\u0000", "\u0001", "\u001b", "\u007f"), fc.string({ maxLength: 10 })).map((p) => p.join("")) },
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

/** A valid payload of each client event (by its name alone; both namespaces share the shapes), for mutation. */
export function validExample(event: string, ids: { conversationId: string; callId: string; clientId: string }): Record<string, unknown> {
  const { conversationId, callId, clientId } = ids;
  const candidate = { type: "candidate", candidate: { candidate: "candidate:1 1 udp 1 127.0.0.1 5000 typ host", sdpMid: "0", sdpMLineIndex: 0 } };
  const examples: Record<string, Record<string, unknown>> = {
    "conversation:sync": { afterSeq: 0 },
    "conversation:open": { conversationId, afterSeq: 0 },
    "message:send": { conversationId, clientId, body: "hello", attachmentIds: [], pageUrl: "https://shop.example/cart", privacyConsent: "0123456789ab" },
    "profile:update": { name: "Ayşe", email: "ayse@example.com", phone: "+90 555 000 00 00" },
    typing: { conversationId, typing: true },
    receipt: { conversationId, seq: 1, kind: "read" },
    "conversation:assign": { conversationId, agentId: null },
    "conversation:status": { conversationId, status: "open" },
    "calls:sync": {},
    "transcript:request": { email: "ayse@example.com" },
    "note:send": { conversationId, body: "a private note for @deniz" },
    "status:set": { status: "away" },
    "conversation:rate": { conversationId, score: 4, comment: "quick and kind" },
    "call:start": { media: "audio" },
    "call:signal": { callId, signal: candidate },
    "call:record": { callId, sdp: "v=0" },
    "call:media": { callId, video: true },
  };
  return { ...(examples[event] ?? { callId }) };
}

/**
 * A valid example with one to three fields replaced by hostile values, removed, or added: most of
 * these pass the first checks and reach the handler's own. Unknown events mutate `{ callId }`.
 */
export function mutatedExample(example: () => Record<string, unknown>, maxHuge: number): fc.Arbitrary<Record<string, unknown>> {
  const value = fc.oneof({ weight: 3, arbitrary: hostileString(maxHuge) }, { weight: 1, arbitrary: hostileValue({ maxHuge }) });
  const mutation = fc.tuple(fc.constantFrom("replace", "replace", "remove", "add"), fc.nat(), fc.constantFrom(...FIELD_NAMES, "__proto__", "constructor"), value);
  return fc.array(mutation, { minLength: 1, maxLength: 3 }).map((mutations) => {
    const payload = example();
    for (const [kind, index, extraKey, value] of mutations) {
      const keys = Object.keys(payload);
      const existing = keys.length ? keys[index % keys.length] : undefined;
      if (kind === "add" || existing === undefined) Object.defineProperty(payload, extraKey, { value, enumerable: true, configurable: true, writable: true });
      else if (kind === "remove") delete payload[existing];
      else payload[existing] = value;
    }
    return payload;
  });
}

/** The classic bad values, each tried on every field in turn (systematic, beside the random runs). */
export const CLASSIC_BAD_VALUES: unknown[] = [
  "a\u0000b", "\u0000", "x".repeat(20_000), "", "1", "1.5", "-1", "null", "__proto__", 1.5, -1, 2 ** 53, Number.NaN, true, null,
  [], ["a"], {}, JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}}'),
];

/** The example with one field at a time set to each classic bad value, and with each field removed. */
export function classicMutations(example: Record<string, unknown>): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const key of Object.keys(example)) {
    for (const value of CLASSIC_BAD_VALUES) out.push({ ...example, [key]: value });
    const { [key]: _removed, ...rest } = example;
    out.push(rest);
  }
  return out;
}
