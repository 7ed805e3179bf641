import { randomBytes, randomUUID } from "node:crypto";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ack, MessageView } from "../../src/protocol/chat.ts";
import { openSocket, request } from "../support/chatClients.ts";
import { waitFor } from "../support/process.ts";
import { TcpBalancer } from "../support/tcpBalancer.ts";
import { Cluster, clusterUrls, type Node } from "../support/twoNodes.ts";

const urls = clusterUrls();

/**
 * A console's view of a conversation, kept the way the console keeps it: live `message:new`
 * events, and on every (re)connect a catch-up of what came after the last seq it holds.
 */
class ConsoleView {
  readonly live: MessageView[] = [];
  readonly bySeq = new Map<number, MessageView>();
  conversationId: string | undefined;
  reconnects = 0;

  constructor(readonly socket: Socket) {
    socket.on("message:new", ({ message }: { message: MessageView }) => {
      this.live.push(message);
      this.conversationId ??= message.conversationId;
      this.bySeq.set(message.seq, message);
    });
    socket.io.on("reconnect", () => {
      this.reconnects++;
    });
    socket.on("connect", () => {
      this.catchUp().catch(() => undefined);
    });
  }

  lastSeq(): number {
    return Math.max(0, ...this.bySeq.keys());
  }

  async catchUp(): Promise<void> {
    if (!this.conversationId) return;
    const opened = await request<{ messages: MessageView[] }>(this.socket, "conversation:open", { conversationId: this.conversationId, afterSeq: this.lastSeq() });
    for (const message of opened.messages) this.bySeq.set(message.seq, message);
  }

  ordered(): MessageView[] {
    return [...this.bySeq.values()].sort((x, y) => x.seq - y.seq);
  }
}

// Node failover, as a load balancer gives it: two `destek serve` processes on PostgreSQL + Redis
// behind one address (a TCP balancer that sends each new connection to the first node that
// accepts it). The visitor's widget and one console sit on node A; another console on node B.
// Node A is killed with SIGKILL mid-conversation: the widget and the console reconnect through the
// same address to node B, the widget resends what it still holds in its outbox (as the widget
// does), and every message reaches the agents and the database once, in order.
describe.runIf(urls)("a node killed with SIGKILL mid-conversation", () => {
  const cluster = new Cluster(urls!);
  let a: Node;
  let b: Node;
  let balancer: TcpBalancer;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    await cluster.open();
    [a, b] = await Promise.all([cluster.start("a"), cluster.start("b")]);
    balancer = await new TcpBalancer([a.port, b.port]).start();
  }, 400_000);
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await balancer?.stop();
    await cluster.close();
  });

  it("moves the widget and the console to node B; no message is lost or duplicated", async () => {
    const mover = await cluster.agentToken("mover");
    const stayer = await cluster.agentToken("stayer");
    const reconnecting = { transports: ["websocket"], forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 500 };

    // Node B's console connects directly; the other console and the widget through the balancer (to A).
    const onB = new ConsoleView(await openSocket(`${b.url}/agent`, { token: stayer.token }));
    const movingConsole = io(`${balancer.url}/agent`, { ...reconnecting, auth: { token: mover.token } });
    const moving = new ConsoleView(movingConsole);
    const visitor = io(`${balancer.url}/visitor`, { ...reconnecting, auth: { visitorToken: randomBytes(32).toString("base64url") } });
    sockets.push(onB.socket, movingConsole, visitor);
    await waitFor(() => (visitor.connected && movingConsole.connected ? true : undefined), 20_000, () => "the widget and the console to connect");
    expect(balancer.routed).toEqual([2, 0]);

    // The widget's outbox: sent in order, one at a time; an unanswered send stays and goes again.
    const outbox = Array.from({ length: 28 }, (_, i) => ({ clientId: randomUUID(), body: `message ${i}` }));
    const acked = new Map<string, number>();
    const flush = async (onAck?: () => void) => {
      while (outbox.length) {
        const next = outbox[0]!;
        let ack: Ack<{ message: MessageView }>;
        try {
          ack = await visitor.timeout(3000).emitWithAck("message:send", next);
        } catch {
          if (!visitor.connected) await waitFor(() => (visitor.connected ? true : undefined), 60_000, () => "the widget to reconnect");
          continue;
        }
        if (!ack.ok) throw new Error(`${ack.error.id}: ${ack.error.message}`);
        acked.set(next.clientId, ack.data.message.seq);
        outbox.shift();
        onAck?.();
      }
    };

    let killedAt = 0;
    await flush(() => {
      if (acked.size === 12 && !killedAt) {
        killedAt = Date.now();
        a.process.kill("SIGKILL");
      }
    });
    expect((await a.process.closed).signal).toBe("SIGKILL");
    console.log(`all 28 messages acknowledged ${Date.now() - killedAt} ms after node A was killed`);
    // Both clients came back through the same address, to node B.
    await waitFor(() => (movingConsole.connected ? true : undefined), 60_000, () => "the console to reconnect");
    expect(balancer.routed[1]).toBeGreaterThanOrEqual(2);

    const expected = Array.from({ length: 28 }, (_, i) => `message ${i}`);
    // The console on B heard every message live, once each and in order (A's through the adapter).
    await expect.poll(() => onB.live.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(28);
    expect(onB.live.map((m) => m.body)).toEqual(expected);
    expect(onB.live.map((m) => m.seq)).toEqual(expected.map((_, i) => i + 1));
    // The console that moved has everything once: live, plus its catch-up after the reconnect.
    await moving.catchUp();
    expect(moving.ordered().map((m) => m.body)).toEqual(expected);
    expect(new Set(moving.live.map((m) => m.id)).size).toBe(moving.live.length);

    // Stored once each, in order, with the seq each acknowledgement gave.
    const stored = await cluster.db.selectFrom("messages").select(["body", "seq", "client_id"]).orderBy("seq").execute();
    expect(stored.map((m) => m.body)).toEqual(expected);
    for (const [clientId, seq] of acked) expect(stored.find((m) => m.client_id === clientId)?.seq).toBe(seq);

    // The conversation goes on through node B: a reply from the console that moved reaches the widget.
    const reply = new Promise<MessageView>((resolve) => visitor.on("message:new", (m: MessageView) => m.body === "still here" && resolve(m)));
    await request(movingConsole, "message:send", { conversationId: moving.conversationId, clientId: randomUUID(), body: "still here" });
    expect((await reply).seq).toBe(29);
    expect(b.process.exit).toBeUndefined();
  }, 400_000);
});
