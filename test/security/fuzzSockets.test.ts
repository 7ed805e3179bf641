import { randomUUID } from "node:crypto";
import fc from "fast-check";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AGENT_CALL_EVENTS, VISITOR_CALL_EVENTS } from "../../src/protocol/calls.ts";
import { AGENT_CHAT_EVENTS, type Ack, VISITOR_CHAT_EVENTS } from "../../src/protocol/chat.ts";
import { AGENT_TIMELINE_EVENTS, VISITOR_TIMELINE_EVENTS } from "../../src/protocol/timeline.ts";
import { AGENT_STATUS_EVENTS } from "../../src/protocol/agentStatus.ts";
import { openSocket } from "../support/chatClients.ts";
import { type TestDatabase, testDatabases } from "../support/databases.ts";
import { type FuzzStage, startFuzzStage } from "../support/fuzzStage.ts";
import { classicMutations, FUZZ_SEED, hostilePayload, hostileValue, mutatedExample, validExample } from "../support/hostileInput.ts";
import { settledHeapBytes } from "../support/memory.ts";
import { errorsSince, type SecurityStage } from "../support/security.ts";

// Property-based fuzzing of every client event of both socket namespaces, from the protocol's
// event lists, which are checked against the handlers the gateway really registers (a handler
// missing from the lists fails here). As a visitor on /visitor, as a signed-in agent on /agent, and
// anonymous at the handshake. Payloads: random hostile values, valid ones with fields spoiled, each
// field set to each classic bad value, with and without an ack callback. Whatever arrives: a typed
// ack ({ ok: false, error: { id, message } }, never `internal`), nothing logged at error level,
// and the app still answers.
// Runs are bounded (numRuns below) and seeded (FUZZ_SEED, printed by fast-check on failure), so a
// failure replays. The HTTP half is in fuzzHttp.test.ts; the two files run in parallel.

const SOCKET_RUNS_PER_EVENT = 20;
const HANDSHAKE_RUNS = 30;
/** Retained heap a second round of fuzzing may add once the first has warmed everything up. */
const HEAP_GROWTH_BOUND = 16 * 1024 * 1024;
const RESERVED_EVENTS = new Set(["disconnect", "disconnecting", "error"]);
const VISITOR_EVENTS = [...VISITOR_CHAT_EVENTS, ...VISITOR_CALL_EVENTS, ...VISITOR_TIMELINE_EVENTS];
const AGENT_EVENTS = [...new Set([...AGENT_CHAT_EVENTS, ...AGENT_CALL_EVENTS, ...AGENT_TIMELINE_EVENTS, ...AGENT_STATUS_EVENTS])];

describe.each(testDatabases())("fuzzing every socket event on $name", (database: TestDatabase) => {
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

  it("the protocol's event lists are exactly the events the gateway handles", async () => {
    const handled = (namespace: "/visitor" | "/agent") => {
      const socket = [...stage.app.io.of(namespace).sockets.values()][0];
      if (!socket) throw new Error(`no ${namespace} socket connected`);
      return socket.eventNames().map(String).filter((e) => !RESERVED_EVENTS.has(e)).sort();
    };
    // A handler without its name in the protocol's list fails here, so it is fuzzed and in the access matrix.
    expect(handled("/visitor"), "handlers on /visitor vs VISITOR_*_EVENTS").toEqual([...VISITOR_EVENTS].sort());
    expect(handled("/agent"), "handlers on /agent vs AGENT_*_EVENTS").toEqual([...AGENT_EVENTS].sort());
  });

  // Socket.IO refuses packets over 64 kB by closing the connection (fuzzFindings.test.ts shows the
  // server carries on), so payloads stay under that here and keep the fuzzing socket open.
  const underPacketLimit = (p: unknown) => Buffer.byteLength(JSON.stringify(p) ?? "") < 60_000;
  const socketPayload = (event: string) =>
    fc.oneof(
      { weight: 4, arbitrary: hostilePayload({ maxHuge: 8_000, ids: () => knownIds }).filter(underPacketLimit) },
      // A valid payload with a field or three spoiled: these get past the schema into the handler.
      { weight: 4, arbitrary: mutatedExample(() => validExample(event, exampleIds()), 8_000).filter(underPacketLimit) },
      { weight: 1, arbitrary: fc.constant(undefined) },
    );
  const exampleIds = () => ({ conversationId: knownIds[0] ?? randomUUID(), callId: knownIds[1] ?? randomUUID(), clientId: randomUUID() });

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
        fc.asyncProperty(socketPayload(event), fc.boolean(), fc.boolean(), async (payload, noAckFirst, extraArgument) =>
          fuzzEvent(await socket(), namespace, event, payload, noAckFirst, extraArgument),
        ),
        { seed: FUZZ_SEED, numRuns: runs },
      );
    }
  }

  const liveVisitor = () => s.visitorSocket();
  const liveAgent = () => s.agentSocket();

  it("every visitor event answers hostile payloads with a typed ack, with or without an ack callback", async () => {
    await fuzzNamespace("/visitor", VISITOR_EVENTS, liveVisitor, SOCKET_RUNS_PER_EVENT);
    expect((await liveVisitor()).connected).toBe(true);
    await s.healthAnswers();
  }, 120_000);

  it("every agent event answers hostile payloads with a typed ack, with or without an ack callback", async () => {
    await fuzzNamespace("/agent", AGENT_EVENTS, liveAgent, SOCKET_RUNS_PER_EVENT);
    expect((await liveAgent()).connected).toBe(true);
    await s.healthAnswers();
  }, 120_000);

  it("every field of every event, set to each classic bad value in turn, gets a typed answer", async () => {
    const namespaces = [
      { name: "/visitor", events: [...VISITOR_CHAT_EVENTS, ...VISITOR_CALL_EVENTS], socket: liveVisitor },
      { name: "/agent", events: [...new Set([...AGENT_CHAT_EVENTS, ...AGENT_CALL_EVENTS, ...AGENT_STATUS_EVENTS])], socket: liveAgent },
    ] as const;
    for (const { name, events, socket } of namespaces) {
      for (const event of events) {
        for (const payload of classicMutations(validExample(event, exampleIds()))) await fuzzEvent(await socket(), name, event, payload, false, false);
      }
    }
    await s.healthAnswers();
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
    await s.healthAnswers();
  }, 60_000);

  it("memory settles: a second round of fuzzing retains no more than a bounded amount of heap", async () => {
    // The first round (the tests above) warmed up every code path; a leak shows as growth per round.
    const before = await settledHeapBytes();
    await fuzzNamespace("/visitor", VISITOR_EVENTS, liveVisitor, 8);
    await fuzzNamespace("/agent", AGENT_EVENTS, liveAgent, 8);
    const after = await settledHeapBytes();
    console.info(`[fuzz sockets ${database.name}] heap growth over a second round: ${((after - before) / 1024 / 1024).toFixed(1)} MB (bound ${HEAP_GROWTH_BOUND / 1024 / 1024} MB)`);
    expect(after - before).toBeLessThan(HEAP_GROWTH_BOUND);
    await s.healthAnswers();
  }, 120_000);
});
