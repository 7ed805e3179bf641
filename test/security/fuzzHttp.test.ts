import { randomUUID } from "node:crypto";
import fc from "fast-check";
import type { InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RouteSummary } from "../../src/app.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { FUZZ_ROLES, type FuzzRole, type FuzzStage, startFuzzStage } from "../support/fuzzStage.ts";
import { CLASSIC_BAD_VALUES, classicMutations, FUZZ_SEED, hostilePayload, hostileString } from "../support/hostileInput.ts";
import { settledHeapBytes } from "../support/memory.ts";
import { errorsSince, type SecurityStage, typedError } from "../support/security.ts";
import { PASSWORD } from "../support/testApp.ts";

// Property-based fuzzing of every HTTP route of the app's route catalog (a new route is fuzzed
// without editing this file), anonymous, as a visitor and as a signed-in agent and admin: hostile
// paths, queries and bodies (wrong types, huge strings, deep nesting, prototype keys, NUL bytes,
// broken JSON and multipart). Whatever arrives: a success or a typed 4xx with
// { error: { id, message } }, never a 5xx, nothing logged at error level, and the app still answers.
// Runs are bounded (numRuns below) and seeded (FUZZ_SEED, printed by fast-check on failure), so a
// failure replays. The socket half is in fuzzSockets.test.ts; the two files run in parallel.

const HTTP_RUNS_PER_ROUTE = 6;
/** Retained heap a second round of fuzzing may add once the first has warmed everything up. */
const HEAP_GROWTH_BOUND = 16 * 1024 * 1024;

// A valid body for each route that takes fields, and who sends it, so that each field in turn can be
// spoiled while the others pass (a route without an example here still gets the random runs).
const TICKET = "t".repeat(40);
const BODY_EXAMPLES: Record<string, { role: FuzzRole; body: Record<string, unknown> }> = {
  "POST /api/setup": { role: "anonymous", body: { token: "setup-token-0123456789", username: "firstadmin", name: "First Admin", password: PASSWORD } },
  "POST /api/auth/login": { role: "anonymous", body: { username: "someagent", password: PASSWORD } },
  "POST /api/auth/code": { role: "anonymous", body: { ticket: TICKET } },
  "POST /api/auth/verify": { role: "anonymous", body: { ticket: TICKET, code: "123456", method: "telegram", issueRecoveryCodes: true } },
  "POST /api/auth/enroll/telegram": { role: "anonymous", body: { ticket: TICKET } },
  "POST /api/auth/enroll/totp": { role: "anonymous", body: { ticket: TICKET } },
  "POST /api/auth/enroll/totp/confirm": { role: "anonymous", body: { ticket: TICKET, code: "123456" } },
  "POST /api/agents": { role: "admin", body: { username: "newagent", name: "New Agent", password: PASSWORD, admin: false, telegramChatId: "12345", language: "en" } },
  "POST /api/canned-replies": { role: "agent", body: { scope: "personal", shortcut: "greet", text: "Hello {{visitor.name}}" } },
  "PATCH /api/canned-replies/:id": { role: "agent", body: { shortcut: "greet", text: "Hello {{visitor.name}}" } },
  "PATCH /api/contacts/:id": { role: "agent", body: { name: "Ayşe Yılmaz", email: "ayse@example.com", phone: "+90 555 000 00 00", company: "Işık Ltd", notes: "Calls after five." } },
  "POST /api/contacts/:id/merge": { role: "admin", body: { otherId: "00000000-0000-4000-8000-000000000000" } },
  "POST /api/contacts/:id/erase": { role: "admin", body: { confirm: "00000000-0000-4000-8000-000000000000" } },
  "POST /api/labels": { role: "admin", body: { name: "Fatura", colour: "#2f80ed" } },
  "PATCH /api/labels/:id": { role: "admin", body: { name: "Fatura", colour: "#2f80ed" } },
  "POST /api/conversations/:id/labels": { role: "agent", body: { labelId: "00000000-0000-4000-8000-000000000000" } },
  "POST /api/inboxes": { role: "admin", body: { name: "Second website" } },
  "POST /api/webhooks": { role: "admin", body: { url: "https://hooks.example.com/destek", events: ["message.created", "call.ended"], enabled: true } },
  "PATCH /api/webhooks/:id": { role: "admin", body: { url: "https://hooks.example.com/destek", events: ["rating.created"], enabled: false } },
  "PATCH /api/inboxes/:id": { role: "admin", body: { name: "Renamed website" } },
  "PUT /api/inboxes/:id/members": { role: "admin", body: { agentIds: [] } },
  "POST /api/inboxes/:id/members": { role: "admin", body: { agentId: "00000000-0000-4000-8000-000000000000" } },
  "PUT /api/settings": { role: "admin", body: { recording: "audio", ringTimeoutS: 30, callAgentDailyLimit: null, conversationRetentionDays: 365, attachmentRetentionDays: 90, preChat: { name: "required", email: "optional", phone: "off" }, languages: ["tr"], telegramChatId: "-100123" } },
  "PUT /api/inboxes/:id/settings": {
    role: "admin",
    body: { widget: { colour: "#123456", position: "left", greeting: { tr: "Merhaba", en: "Hello" }, languages: ["en", "tr"] }, calls: { enabled: true, ringTimeoutS: 30 }, privacy: { policyUrl: "https://shop.example/privacy", askConsent: true, notice: { tr: "Gizlilik", en: "Privacy" } }, telegramChatId: null },
  },
  "POST /api/me/totp/confirm": { role: "agent", body: { code: "123456" } },
  "POST /api/me/recovery-codes": { role: "agent", body: { password: PASSWORD } },
  "POST /api/me/push-subscriptions": {
    role: "agent",
    body: { endpoint: "https://fcm.googleapis.com/fcm/send/fuzz", expirationTime: null, keys: { p256dh: `B${"A".repeat(86)}`, auth: "A".repeat(22) }, device: "Chrome on Android" },
  },
  "POST /api/agents/invites": { role: "admin", body: { username: "invitee", name: "Invited Agent", role: "agent", language: "tr" } },
  "POST /api/agents/:username/role": { role: "admin", body: { role: "agent" } },
  "POST /api/auth/link": { role: "anonymous", body: { token: "link-token-0123456789-abcdef" } },
  "POST /api/auth/link/accept": { role: "anonymous", body: { token: "link-token-0123456789-abcdef", password: PASSWORD } },
  "POST /api/widget/callbacks": { role: "visitor", body: { phone: "+90 532 111 22 33", note: "after 14:00", inbox: "default" } },
  "PUT /api/inboxes/:id/hours": { role: "admin", body: { enabled: false, timezone: "Europe/Istanbul", weekly: { mon: [{ from: "09:00", to: "24:00" }] }, holidays: [{ date: "2026-10-29", name: "Bayram" }] } },
  "POST /api/telegram/app/session": { role: "anonymous", body: { initData: `user=%7B%22id%22%3A1%7D&auth_date=1&hash=${"0".repeat(64)}`, callId: "00000000-0000-4000-8000-000000000000" } },
  "POST /api/api-tokens": { role: "admin", body: { name: "CRM", scopes: ["conversations:read", "contacts:write"] } },
  "POST /api/v1/conversations/:id/assign": { role: "api", body: { agentId: "00000000-0000-4000-8000-000000000000" } },
  "POST /api/v1/conversations/:id/messages": { role: "api", body: { body: "Merhaba", clientId: "fuzz-client-0001" } },
  "PATCH /api/v1/contacts/:id": { role: "api", body: { name: "Ayşe Yılmaz", email: "ayse@example.com", phone: "+90 555 000 00 00", company: "Işık Ltd", notes: "Calls after five." } },
  "POST /api/v1/canned-replies": { role: "api", body: { scope: "personal", shortcut: "greet", text: "Hello {{visitor.name}}" } },
  "PATCH /api/v1/canned-replies/:id": { role: "api", body: { shortcut: "greet", text: "Hello {{visitor.name}}" } },
  "POST /telegram/webhook": { role: "anonymous", body: { update_id: 1, message: { message_id: 1, date: 1, chat: { id: 1, type: "private" }, text: "hi" } } },
};

describe.each(testDatabases())("fuzzing every HTTP route on $name", (database: TestDatabase) => {
  let s: FuzzStage;
  let stage: SecurityStage;
  let knownIds: string[] = [];

  beforeAll(async () => {
    s = await startFuzzStage(database);
    ({ stage, knownIds } = s);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  const headersFor = (role: FuzzRole): Record<string, string> =>
    role === "anonymous" ? {} : role === "visitor" ? { authorization: `Visitor ${s.tokens.visitor}` } : { authorization: `Bearer ${s.tokens[role]}` };

  const segment = fc.oneof(
    hostileString(300).map((s) => encodeURIComponent(s)),
    fc.nat().map((i) => knownIds[i % knownIds.length] ?? randomUUID()),
    fc.uuid(),
  );
  const query = fc.oneof(
    fc.constant(""),
    fc.dictionary(fc.constantFrom("status", "assignee", "inbox", "label", "q", "cursor", "limit", "beforeSeq", "before", "agentId", "exp", "sig", "ses", "download", "callId", "conversationId", "from", "to", "__proto__"), hostileString(3000), { maxKeys: 4 })
      .map((q) => `?${new URLSearchParams(q).toString()}`),
    fc.constantFrom("?%zz", "?a[b]=c&a[c]=d", "?limit=1&limit=2", "?&&&=", "?cursor=%00", "?q=%00"),
  );
  const body = fc.oneof(
    { weight: 5, arbitrary: hostilePayload({ maxHuge: 1_200_000, ids: () => knownIds }).map((v) => ({ type: "application/json", payload: JSON.stringify(v) ?? "null" })) },
    { weight: 1, arbitrary: fc.string({ maxLength: 50 }).map((s) => ({ type: "application/json", payload: `{"username": ${s}` })) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((s) => ({ type: "multipart/form-data; boundary=fuzz", payload: `--fuzz\r\nContent-Disposition: form-data; name="file"; filename="${s}"\r\n\r\n${s}\r\n--fuzz--\r\n` })) },
    { weight: 1, arbitrary: fc.string({ maxLength: 50 }).map((s) => ({ type: "multipart/form-data", payload: s })) },
    { weight: 1, arbitrary: fc.record({ type: fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "application/xml"), payload: fc.string({ maxLength: 50 }) }) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );

  const concreteUrl = (url: string, segments: string[]) => {
    let i = 0;
    return url.replace(/:\w+|\*/g, () => segments[i++ % segments.length] ?? "x");
  };

  /** One fuzzed request: the answer is a typed 4xx or a success, never a 5xx, and nothing is logged as an error. */
  async function fuzzRequest(route: RouteSummary, role: FuzzRole, segments: string[], search: string, sent: { type: string; payload: string } | undefined, extras: { csrf: boolean; webhookSecret: boolean }) {
    const headers: Record<string, string> = { ...headersFor(role) };
    if (extras.csrf) Object.assign(headers, await csrfPair());
    if (extras.webhookSecret) headers["x-telegram-bot-api-secret-token"] = stage.webhookSecret;
    const options: InjectOptions = { method: route.method as InjectOptions["method"], url: concreteUrl(route.url, segments) + search, headers };
    if (sent && route.method !== "GET" && route.method !== "HEAD") {
      headers["content-type"] = sent.type;
      options.payload = sent.payload;
    }
    const before = stage.errors.length;
    const res = await stage.app.inject(options);
    const where = `${route.method} ${route.url} as ${role}: ${options.method} ${String(options.url).slice(0, 200)} -> ${res.statusCode}`;
    expect(res.statusCode, `${where} ${res.body.slice(0, 300)}`).toBeLessThan(500);
    if (res.statusCode >= 400 && route.method !== "HEAD") expect(typedError(res), where).toMatchObject({ id: expect.any(String), message: expect.any(String) });
    expect(errorsSince(stage, before), where).toEqual([]);
    // A session-ending call (sign out everywhere) worked: sign that role in again for the next runs.
    if (res.statusCode === 204 && route.url === "/api/auth/logout-all" && (role === "agent" || role === "admin")) {
      await s.signInAgain(role);
    }
  }

  let csrfCache: Record<string, string> | undefined;
  async function csrfPair() {
    if (csrfCache) return csrfCache;
    const res = await stage.app.inject({ method: "GET", url: "/api/auth/csrf" });
    const cookie = [res.headers["set-cookie"]].flat().map((c) => String(c).split(";")[0]).join("; ");
    csrfCache = { cookie, "x-csrf-token": res.json<{ csrfToken: string }>().csrfToken };
    return csrfCache;
  }

  async function fuzzAllRoutes(runs: number) {
    for (const route of stage.app.routeCatalog) {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...FUZZ_ROLES),
          fc.array(segment, { minLength: 1, maxLength: 3 }),
          query,
          body,
          fc.record({ csrf: fc.boolean(), webhookSecret: fc.boolean() }),
          (role, segments, search, sent, extras) => fuzzRequest(route, role, segments, search, sent, extras),
        ),
        { seed: FUZZ_SEED, numRuns: runs },
      );
    }
  }

  it("every route answers hostile input with a typed 4xx or success, never a 5xx", async () => {
    expect(stage.app.routeCatalog.length).toBeGreaterThan(40);
    await fuzzAllRoutes(HTTP_RUNS_PER_ROUTE);
    await s.healthAnswers();
  }, 120_000);

  it("every field of every body example, set to each classic bad value in turn, gets a typed answer", async () => {
    const routes = new Set(stage.app.routeCatalog.map((r) => `${r.method} ${r.url}`));
    for (const [line, { role, body }] of Object.entries(BODY_EXAMPLES)) {
      expect(routes.has(line), `BODY_EXAMPLES names ${line}, which is not a route any more`).toBe(true);
      const [method = "POST", url = "/"] = line.split(" ");
      const route: RouteSummary = { method, url, validates: ["body"] };
      for (const payload of classicMutations(body)) {
        await fuzzRequest(route, role, [], "", { type: "application/json", payload: JSON.stringify(payload) }, { csrf: false, webhookSecret: url === "/telegram/webhook" });
      }
    }
    await s.healthAnswers();
  }, 120_000);

  it("every path parameter and query field, set to each classic bad value in turn, gets a typed answer", async () => {
    const queryKeys = ["status", "assignee", "q", "cursor", "limit", "beforeSeq", "before", "agentId", "exp", "sig", "ses", "download", "actor", "action", "callId", "conversationId", "from", "to"];
    // Page cursors are opaque base64 of [time, id]: well-formed ones with a bad time or id inside too.
    const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const strings = [
      // In a URL every value is a string: the classics that stay distinct once written as text.
      ...new Set(CLASSIC_BAD_VALUES.map((v) => (typeof v === "string" ? v : JSON.stringify(v) ?? "")).filter((v) => v.length < 5000 && !/^(true|null|1|-1|\[\]|\{\})$/.test(v))),
      cursor([1.5, "x"]), cursor([1e300, "x"]), cursor([1, "a\u0000b"]), cursor(["1", 1]), cursor({ __proto__: 1 }),
    ];
    // HEAD routes answer as their GET twins, so only the GETs and the others are walked here.
    const routes = stage.app.routeCatalog.filter((r) => r.method !== "HEAD" && (r.validates.includes("params") || r.validates.includes("querystring")));
    for (const route of routes) {
      // The /api/v1 routes take API tokens: fuzzed with one, so the input reaches their schemas.
      for (const role of route.url.startsWith("/api/v1/") ? (["api"] as const) : (["agent"] as const)) {
        for (const bad of strings) {
          if (route.validates.includes("params")) await fuzzRequest(route, role, [encodeURIComponent(bad)], "", undefined, { csrf: false, webhookSecret: false });
          for (const key of route.validates.includes("querystring") ? queryKeys : []) {
            await fuzzRequest(route, role, [knownIds[0] ?? randomUUID()], `?${new URLSearchParams({ [key]: bad })}`, undefined, { csrf: false, webhookSecret: false });
          }
        }
      }
    }
    await s.healthAnswers();
  }, 120_000);

  it("memory settles: a second round of fuzzing retains no more than a bounded amount of heap", async () => {
    // The first round (the tests above) warmed up every code path; a leak shows as growth per round.
    const before = await settledHeapBytes();
    await fuzzAllRoutes(3);
    const after = await settledHeapBytes();
    console.info(`[fuzz http ${database.name}] heap growth over a second round: ${((after - before) / 1024 / 1024).toFixed(1)} MB (bound ${HEAP_GROWTH_BOUND / 1024 / 1024} MB)`);
    expect(after - before).toBeLessThan(HEAP_GROWTH_BOUND);
    await s.healthAnswers();
  }, 120_000);
});
