import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MessageView } from "../../src/protocol/chat.ts";
import { newClientId, newVisitorToken } from "../support/chatClients.ts";
import { type LimitedServer, limiterKinds, METRICS_TOKEN, startLimitedServer, tryVisitorSocket, uniqueLoopback } from "../support/limitedServer.ts";

type Ack<T> = { ok: true; data: T } | { ok: false; error: { id: string; message: string; retryAfterMs?: number } };

const HOUR = 60 * 60 * 1000;

async function connected(server: LimitedServer, from: string, token = newVisitorToken()): Promise<Socket> {
  const result = await tryVisitorSocket(server.url, { visitorToken: token }, { from });
  if ("refused" in result) throw new Error(`refused: ${result.refused.message}`);
  return result.socket;
}

const send = (socket: Socket, body: string) =>
  socket.timeout(10_000).emitWithAck("message:send", { clientId: newClientId(), body }) as Promise<Ack<{ message: MessageView }>>;

// Every per-visitor limit was bypassed by making up tokens: these limits count per client address.
describe.each(limiterKinds())("per-address limits of the widget (%s limiter)", (limiter) => {
  let server: LimitedServer;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    server = await startLimitedServer(limiter, {
      NEW_VISITORS_PER_HOUR: "4",
      NEW_CONVERSATIONS_PER_12H: "2",
      VISITOR_MESSAGES_PER_MINUTE: "5",
      VISITOR_HANDSHAKES_PER_MINUTE: "8",
      CALLS_PER_ADDRESS_PER_DAY: "1",
      TELEGRAM_ADMIN_CHAT_ID: "-100777",
    });
    await server.deps.telegram!.start(server.deps);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server.close();
  });

  it("refuses a flood of made-up visitor tokens from one address at the limit, with a retry time", async () => {
    const from = uniqueLoopback();
    const tokens = Array.from({ length: 6 }, () => newVisitorToken());
    const results = [];
    for (const token of tokens) results.push(await tryVisitorSocket(server.url, { visitorToken: token }, { from }));
    for (const r of results) if ("socket" in r) sockets.push(r.socket);
    expect(results.map((r) => ("socket" in r ? "ok" : r.refused.message))).toEqual(["ok", "ok", "ok", "ok", "too_many_new_visitors", "too_many_new_visitors"]);
    const refusal = results[4] as { refused: { data?: { id: string; retryAfterMs?: number } } };
    expect(refusal.refused.data?.id).toBe("too_many_new_visitors");
    expect(refusal.refused.data?.retryAfterMs).toBeGreaterThan(HOUR - 5 * 60_000);
    expect(refusal.refused.data?.retryAfterMs).toBeLessThanOrEqual(HOUR);

    // The operator sees the flood, and which limit holds it.
    const metrics = await server.app.inject({ method: "GET", url: "/metrics", headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(metrics.body).toMatch(/destek_limit_refusals_total\{limit="address:newVisitors",app="destek"\} 2/);

    // A visitor the server already knows still gets in, and another address is counted apart.
    sockets.push(await connected(server, from, tokens[0]));
    sockets.push(await connected(server, uniqueLoopback()));
  });

  it("refuses socket handshakes past the per-minute limit, even for a known visitor", async () => {
    const from = uniqueLoopback();
    const token = newVisitorToken();
    const outcomes: string[] = [];
    for (let i = 0; i < 9; i++) {
      const r = await tryVisitorSocket(server.url, { visitorToken: token }, { from });
      if ("socket" in r) {
        outcomes.push("ok");
        r.socket.close();
      } else {
        outcomes.push(r.refused.message);
        expect(r.refused.data?.retryAfterMs).toBeGreaterThan(0);
        expect(r.refused.data?.retryAfterMs).toBeLessThanOrEqual(60_000);
      }
    }
    expect(outcomes).toEqual([...Array(8).fill("ok"), "too_many_connections"]);
  });

  it("opens at most the configured number of new conversations per address, so alerts cannot be flooded", async () => {
    const from = uniqueLoopback();
    const visitors = [await connected(server, from), await connected(server, from), await connected(server, from)];
    sockets.push(...visitors);
    const first = await send(visitors[0]!, "first chat");
    const second = await send(visitors[1]!, "second chat");
    const third = await send(visitors[2]!, "third chat");
    expect(first.ok && second.ok).toBe(true);
    expect(third).toMatchObject({ ok: false, error: { id: "too_many_new_chats" } });
    const retry = !third.ok ? third.error.retryAfterMs : 0;
    expect(retry).toBeGreaterThan(11 * HOUR);
    expect(retry).toBeLessThanOrEqual(12 * HOUR);
    expect(!third.ok && third.error.message).toMatch(/Too many new chats from your network\. Try again in \d+ min\./);
    // A visitor with an open conversation keeps writing in it.
    expect((await send(visitors[0]!, "still here")).ok).toBe(true);
    // Only the two conversations that opened were alerted (the third never reached the outbox).
    await server.telegram.waitForSent((m) => String(m.text).includes("still here"));
    expect(server.telegram.sent.filter((m) => String(m.text).includes("third chat"))).toHaveLength(0);
    expect(server.telegram.sent.filter((m) => /first chat|second chat/.test(String(m.text)))).toHaveLength(2);
  });

  it("limits messages per address across all of that address's visitors", async () => {
    const from = uniqueLoopback();
    // Two visitors from one address; their conversations stay within the new-chat limit of this address.
    const a = await connected(server, from);
    const b = await connected(server, from);
    sockets.push(a, b);
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await send(i % 2 ? b : a, `message ${i}`));
    expect(answers.slice(0, 5).every((answer) => answer.ok)).toBe(true);
    expect(answers[5]).toMatchObject({ ok: false, error: { id: "too_many_messages" } });
    expect(!answers[5]!.ok && answers[5]!.error.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it("counts call starts per address before the call logic", async () => {
    const from = uniqueLoopback();
    const a = await connected(server, from);
    const b = await connected(server, from);
    sockets.push(a, b);
    const first = (await a.timeout(10_000).emitWithAck("call:start", { media: "audio" })) as Ack<unknown>;
    const second = (await b.timeout(10_000).emitWithAck("call:start", { media: "audio" })) as Ack<unknown>;
    // The first reaches the call logic (whatever it answers); the second is stopped at the address limit.
    expect(!first.ok && first.error.id === "too_many_calls").toBe(false);
    expect(second).toMatchObject({ ok: false, error: { id: "too_many_calls" } });
    expect(!second.ok && second.error.retryAfterMs).toBeGreaterThan(0);
  });
});
