import { randomUUID } from "node:crypto";
import fc from "fast-check";
import type { InjectOptions } from "fastify";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RouteSummary } from "../../src/app.ts";
import { AGENT_CALL_EVENTS, VISITOR_CALL_EVENTS } from "../../src/protocol/calls.ts";
import { AGENT_CHAT_EVENTS, type Ack, VISITOR_CHAT_EVENTS } from "../../src/protocol/chat.ts";
import { newClientId, newVisitorToken, openSocket, request } from "../support/chatClients.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { FUZZ_SEED, hostilePayload, hostileString, hostileValue } from "../support/hostileInput.ts";
import { settledHeapBytes } from "../support/memory.ts";
import { connectAgent, errorsSince, type SecurityStage, signedInAgent, startSecurityStage, typedError } from "../support/security.ts";

// Property-based fuzzing of the whole surface: every route of the app's route catalog and every
// client event of both socket namespaces (the protocol's lists, checked against the handlers the
// gateway really registers), anonymous, as a visitor and as signed-in agents. Whatever arrives:
// a typed error (4xx with { error: { id, message } }, or { ok: false, error: { id, message } } on an
// ack), never a 5xx or an internal error, nothing logged at error level, and the app still answers.
// Runs are bounded (numRuns below) and seeded (FUZZ_SEED, printed by fast-check on failure).

const HTTP_RUNS_PER_ROUTE = 10;
const SOCKET_RUNS_PER_EVENT = 30;
const HANDSHAKE_RUNS = 30;
/** Retained heap a second round of fuzzing may add once the first has warmed everything up. */
const HEAP_GROWTH_BOUND = 16 * 1024 * 1024;
// Checked after each run: no payload with a `__proto__` or `constructor` key polluted the prototypes.
const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();

type Role = "anonymous" | "visitor" | "agent" | "admin";
const ROLES: Role[] = ["anonymous", "visitor", "agent", "admin"];
const RESERVED_EVENTS = new Set(["disconnect", "disconnecting", "error"]);

describe.each(testDatabases())("fuzzing every route and socket event on $name", (database: TestDatabase) => {
  let stage: SecurityStage;
  const tokens: Record<Exclude<Role, "anonymous">, string> = { visitor: newVisitorToken(), agent: "", admin: "" };
  let visitorSocket: Socket;
  let agentSocket: Socket;
  const knownIds: string[] = [];

  beforeAll(async () => {
    stage = await startSecurityStage(database);
    tokens.agent = (await signedInAgent(stage)).accessToken;
    tokens.admin = (await signedInAgent(stage, { admin: true })).accessToken;
    visitorSocket = await openSocket(`${stage.url}/visitor`, { visitorToken: tokens.visitor });
    agentSocket = await connectAgent(stage, tokens.agent);
    // Real ids in the payloads: a conversation, a queued call, the agents.
    const sent = await request<{ message: { conversationId: string } }>(visitorSocket, "message:send", { clientId: newClientId(), body: "hello" });
    const started = await request<{ call: { id: string } }>(visitorSocket, "call:start", { media: "audio" });
    knownIds.push(sent.message.conversationId, started.call.id);
  }, 60_000);
  afterAll(async () => {
    visitorSocket?.disconnect();
    agentSocket?.disconnect();
    await stage?.close();
  });

  /** The process still serves (a real HTTP request over the network, not inject()), its prototypes untouched. */
  const healthAnswers = async () => {
    const res = await fetch(`${stage.url}/health`);
    expect(res.status).toBe(200);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_KEYS);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  };

  // ---- HTTP ----

  const headersFor = (role: Role): Record<string, string> =>
    role === "anonymous" ? {} : role === "visitor" ? { authorization: `Visitor ${tokens.visitor}` } : { authorization: `Bearer ${tokens[role]}` };

  const segment = fc.oneof(
    hostileString(300).map((s) => encodeURIComponent(s)),
    fc.nat().map((i) => knownIds[i % knownIds.length] ?? randomUUID()),
    fc.uuid(),
  );
  const query = fc.oneof(
    fc.constant(""),
    fc.dictionary(fc.constantFrom("status", "assignee", "q", "cursor", "limit", "beforeSeq", "before", "agentId", "exp", "sig", "__proto__"), hostileString(3000), { maxKeys: 4 })
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
  async function fuzzRequest(route: RouteSummary, role: Role, segments: string[], search: string, sent: { type: string; payload: string } | undefined, extras: { csrf: boolean; webhookSecret: boolean }) {
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
      tokens[role] = (await signedInAgent(stage, { admin: role === "admin" })).accessToken;
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
          fc.constantFrom(...ROLES),
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
    await healthAnswers();
  }, 120_000);

  // ---- sockets ----

  it("the protocol's event lists are exactly the events the gateway handles", async () => {
    const handled = (namespace: "/visitor" | "/agent") => {
      const socket = [...stage.app.io.of(namespace).sockets.values()][0];
      if (!socket) throw new Error(`no ${namespace} socket connected`);
      return socket.eventNames().map(String).filter((e) => !RESERVED_EVENTS.has(e)).sort();
    };
    // A handler without its name in the protocol's list fails here, so it is fuzzed and in the access matrix.
    expect(handled("/visitor"), "handlers on /visitor vs VISITOR_CHAT_EVENTS + VISITOR_CALL_EVENTS").toEqual([...VISITOR_CHAT_EVENTS, ...VISITOR_CALL_EVENTS].sort());
    expect(handled("/agent"), "handlers on /agent vs AGENT_CHAT_EVENTS + AGENT_CALL_EVENTS").toEqual([...new Set([...AGENT_CHAT_EVENTS, ...AGENT_CALL_EVENTS])].sort());
  });

  // Socket.IO refuses packets over 64 kB by closing the connection (fuzzFindings.test.ts shows the
  // server carries on), so payloads stay under that here and keep the fuzzing socket open.
  const socketPayload = fc.oneof(
    { weight: 8, arbitrary: hostilePayload({ maxHuge: 8_000, ids: () => knownIds }).filter((p) => Buffer.byteLength(JSON.stringify(p) ?? "") < 60_000) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );

  /** Emits with an ack (it must be a typed answer) and, first, without one (it must hurt nothing). */
  async function fuzzEvent(socket: Socket, namespace: string, event: string, payload: unknown, noAckFirst: boolean, extraArgument: boolean) {
    const before = stage.errors.length;
    if (noAckFirst) socket.emit(event, payload);
    const args: unknown[] = extraArgument ? [payload, "not a callback"] : [payload];
    const ack = (await socket.timeout(15_000).emitWithAck(event, ...args)) as Ack<unknown>;
    const where = `${namespace} ${event} ${JSON.stringify(payload)?.slice(0, 300)}`;
    expect(typeof ack?.ok, where).toBe("boolean");
    if (!ack.ok) {
      expect(ack.error, where).toMatchObject({ id: expect.any(String), message: expect.any(String) });
      expect(ack.error.id, where).not.toBe("internal");
    }
    expect(errorsSince(stage, before), where).toEqual([]);
  }

  async function fuzzNamespace(namespace: "/visitor" | "/agent", events: string[], socket: () => Promise<Socket>, runs: number) {
    for (const event of events) {
      await fc.assert(
        fc.asyncProperty(socketPayload, fc.boolean(), fc.boolean(), async (payload, noAckFirst, extraArgument) =>
          fuzzEvent(await socket(), namespace, event, payload, noAckFirst, extraArgument),
        ),
        { seed: FUZZ_SEED, numRuns: runs },
      );
    }
  }

  // A socket the server closed (a session ended by a fuzzed payload) is replaced, so the run goes on.
  const liveVisitor = async () => {
    if (!visitorSocket.connected) visitorSocket = await openSocket(`${stage.url}/visitor`, { visitorToken: tokens.visitor });
    return visitorSocket;
  };
  const liveAgent = async () => {
    if (!agentSocket.connected) agentSocket = await connectAgent(stage, tokens.agent);
    return agentSocket;
  };

  it("every visitor event answers hostile payloads with a typed ack, with or without an ack callback", async () => {
    await fuzzNamespace("/visitor", [...VISITOR_CHAT_EVENTS, ...VISITOR_CALL_EVENTS], liveVisitor, SOCKET_RUNS_PER_EVENT);
    expect(visitorSocket.connected).toBe(true);
    await healthAnswers();
  }, 120_000);

  it("every agent event answers hostile payloads with a typed ack, with or without an ack callback", async () => {
    await fuzzNamespace("/agent", [...new Set([...AGENT_CHAT_EVENTS, ...AGENT_CALL_EVENTS])], liveAgent, SOCKET_RUNS_PER_EVENT);
    expect(agentSocket.connected).toBe(true);
    await healthAnswers();
  }, 120_000);

  it("hostile handshakes are refused with a reason, on both namespaces", async () => {
    const auth = fc.oneof(
      fc.dictionary(fc.constantFrom("visitorToken", "token", "language", "__proto__"), hostileValue({ maxHuge: 20_000 }), { maxKeys: 3 }),
      fc.constant({}),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("/visitor", "/agent"), auth, async (namespace, given) => {
        const before = stage.errors.length;
        const outcome = await openSocket(`${stage.url}${namespace}`, given as Record<string, unknown>).then(
          (socket) => {
            socket.disconnect();
            return "connected";
          },
          (error: Error) => error.message,
        );
        // A made-up visitor token of the right shape is a new visitor; anything else is refused by name.
        expect(outcome, `${namespace} ${JSON.stringify(given)?.slice(0, 300)}`).toMatch(/^(connected|unauthenticated|session_invalid|visitor_token_invalid|[a-z_]+)$/);
        expect(outcome).not.toBe("internal");
        expect(errorsSince(stage, before)).toEqual([]);
      }),
      { seed: FUZZ_SEED, numRuns: HANDSHAKE_RUNS },
    );
    await healthAnswers();
  }, 60_000);

  it("memory settles: a second round of fuzzing retains no more than a bounded amount of heap", async () => {
    // The first round (the tests above) warmed up every code path; a leak shows as growth per round.
    const before = await settledHeapBytes();
    await fuzzAllRoutes(2);
    await fuzzNamespace("/visitor", [...VISITOR_CHAT_EVENTS, ...VISITOR_CALL_EVENTS], liveVisitor, 6);
    await fuzzNamespace("/agent", [...new Set([...AGENT_CHAT_EVENTS, ...AGENT_CALL_EVENTS])], liveAgent, 6);
    const after = await settledHeapBytes();
    const grownMb = (after - before) / 1024 / 1024;
    console.info(`[fuzz ${database.name}] heap after a second round: ${grownMb.toFixed(1)} MB growth (bound ${HEAP_GROWTH_BOUND / 1024 / 1024} MB)`);
    expect(after - before).toBeLessThan(HEAP_GROWTH_BOUND);
    await healthAnswers();
  }, 120_000);
});
