import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { LocalBus } from "../../../src/adapters/bus/localBus.ts";
import { RedisBus, WIRE_EVENT_TYPES } from "../../../src/adapters/bus/redisBus.ts";
import { OutageLog } from "../../../src/adapters/outages.ts";
import { closeRedis, connectRedis } from "../../../src/adapters/redis.ts";
import { CLUSTER_EVENTS, type DomainEvent, type EventBus, type EventOrigin } from "../../../src/domain/events.ts";
import type { CallView } from "../../../src/protocol/calls.ts";
import { capturedLog } from "../../support/logCapture.ts";
import { testRedisUrl } from "../../support/redis.ts";
import { TcpProxy } from "../../support/tcpProxy.ts";

const redisUrl = testRedisUrl();

const call: CallView = {
  id: randomUUID(),
  status: "ended",
  media: "audio",
  recording: "audio",
  inboxId: "inbox-1",
  visitor: { id: "v1", name: "Ayşe" },
  agent: { id: "a1", name: "Selin" },
  createdAt: new Date().toISOString(),
  answeredAt: new Date().toISOString(),
  endedAt: new Date().toISOString(),
  durationMs: 4200,
  endReason: "agent_hung_up",
  consent: null,
};
const callEnded: DomainEvent = { type: "call.ended", call };
const localOnly: DomainEvent = { type: "labels.changed" };
const settings = (n: number): DomainEvent => ({ type: "settings.changed", keys: [`key${n}`] });

type Heard = Array<{ event: DomainEvent; origin: EventOrigin }>;
function listen(bus: EventBus): Heard {
  const heard: Heard = [];
  bus.subscribe((event, origin) => heard.push({ event, origin }));
  return heard;
}

interface Flavour {
  name: string;
  /** A bus of one more node of the same deployment. */
  node(): Promise<EventBus>;
  cleanup(): Promise<void>;
}

const flavours: Flavour[] = [];
{
  const buses: EventBus[] = [];
  flavours.push({
    name: "LocalBus",
    async node() {
      const bus = new LocalBus(() => undefined);
      buses.push(bus);
      return bus;
    },
    async cleanup() {
      for (const bus of buses.splice(0)) await bus.close();
    },
  });
}
if (redisUrl) {
  const buses: EventBus[] = [];
  const connections: Redis[] = [];
  let channel = `destek:test-${randomUUID()}:events`;
  flavours.push({
    name: "RedisBus",
    async node() {
      const redis = connectRedis(redisUrl);
      redis.on("error", () => undefined);
      connections.push(redis);
      const { log } = capturedLog();
      const bus = new RedisBus({ redis, channel, log, outages: new OutageLog(log) });
      buses.push(bus);
      await bus.ready();
      return bus;
    },
    async cleanup() {
      for (const bus of buses.splice(0)) await bus.close();
      for (const redis of connections.splice(0)) await closeRedis(redis);
      channel = `destek:test-${randomUUID()}:events`;
    },
  });
}

// One contract for both buses: what subscribers of domain events may count on, on one node or many.
describe.each(flavours)("event bus contract: $name", (flavour) => {
  afterEach(() => flavour.cleanup());

  it("delivers each event to every subscriber at once, as local, in the order published", async () => {
    const bus = await flavour.node();
    const first = listen(bus);
    const second = listen(bus);
    bus.publish(settings(1));
    bus.publish(localOnly);
    bus.publish(settings(2));
    // Synchronously: a subscriber has heard an event when publish returns.
    for (const heard of [first, second]) {
      expect(heard.map((h) => h.event)).toEqual([settings(1), localOnly, settings(2)]);
      expect(heard.every((h) => h.origin.remote === false)).toBe(true);
    }
  });

  it("isolates a failing subscriber: the publisher and the others carry on", async () => {
    const errors: unknown[] = [];
    const bus = flavour.name === "LocalBus" ? new LocalBus((err) => errors.push(err)) : await flavour.node();
    const before = listen(bus);
    bus.subscribe(() => {
      throw new Error("subscriber broke");
    });
    const after = listen(bus);
    expect(() => bus.publish(callEnded)).not.toThrow();
    expect(before.map((h) => h.event)).toEqual([callEnded]);
    expect(after.map((h) => h.event)).toEqual([callEnded]);
    if (flavour.name === "LocalBus") expect(errors).toHaveLength(1);
  });

  it("stops delivering to a subscriber that unsubscribed, also one that does so while being called", async () => {
    const bus = await flavour.node();
    const heard: DomainEvent[] = [];
    const unsubscribe = bus.subscribe((event) => heard.push(event));
    const once: DomainEvent[] = [];
    const unsubscribeOnce = bus.subscribe((event) => {
      once.push(event);
      unsubscribeOnce();
    });
    bus.publish(settings(1));
    unsubscribe();
    bus.publish(settings(2));
    expect(heard).toEqual([settings(1)]);
    expect(once).toEqual([settings(1)]);
  });

  it.runIf(flavour.name === "RedisBus")("carries cluster-wide events to another node exactly once, in order, and keeps the rest local", async () => {
    const a = await flavour.node();
    const b = await flavour.node();
    const onA = listen(a);
    const onB = listen(b);
    a.publish(callEnded);
    a.publish(localOnly);
    for (let n = 0; n < 20; n++) a.publish(settings(n));
    const wanted = [callEnded, ...Array.from({ length: 20 }, (_, n) => settings(n))];
    await expect.poll(() => onB.length, { timeout: 5000 }).toBe(wanted.length);
    // Redis delivers in order; give a duplicate or a stray local event the time to show up.
    const probe = settings(99);
    a.publish(probe);
    await expect.poll(() => onB.at(-1)?.event, { timeout: 5000 }).toEqual(probe);
    expect(onB.map((h) => h.event)).toEqual([...wanted, probe]);
    expect(onB.every((h) => h.origin.remote)).toBe(true);
    // The publishing node heard each once, as its own: never again when Redis echoes them back.
    expect(onA.map((h) => h.event)).toEqual([callEnded, localOnly, ...wanted.slice(1), probe]);
    expect(onA.every((h) => !h.origin.remote)).toBe(true);
  });

  it.runIf(flavour.name === "RedisBus")("drops what does not match the schema on the channel, and goes on", async () => {
    const a = await flavour.node();
    const b = await flavour.node();
    const onB = listen(b);
    const raw = connectRedis(redisUrl!);
    try {
      const channel = (b as unknown as { options: { channel: string } }).options.channel;
      await raw.publish(channel, "not json");
      await raw.publish(channel, JSON.stringify({ node: "x", event: { type: "labels.changed" } }));
      await raw.publish(channel, JSON.stringify({ node: "x", event: { type: "call.ended", call: { id: 1 } } }));
      a.publish(settings(7));
      await expect.poll(() => onB.length, { timeout: 5000 }).toBe(1);
      expect(onB[0]?.event).toEqual(settings(7));
    } finally {
      await closeRedis(raw);
    }
  });
});

describe("cluster-wide events", () => {
  it("are the ones the wire format carries: call end, presence, session end, settings", () => {
    expect([...CLUSTER_EVENTS].sort()).toEqual([...WIRE_EVENT_TYPES].sort());
    expect([...CLUSTER_EVENTS].sort()).toEqual(["call.ended", "presence.changed", "session.ended", "settings.changed"]);
  });
});

describe.runIf(redisUrl)("event bus while Redis is away", () => {
  let proxy: TcpProxy;
  const opened: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of opened) await close();
    await proxy?.stop();
  });

  it("still delivers on the node, logs what the other nodes missed, and carries events again once Redis is back", async () => {
    const target = new URL(redisUrl!);
    proxy = await new TcpProxy(target.hostname, Number(target.port || 6379)).start();
    const channel = `destek:test-${randomUUID()}:events`;
    const node = (log = capturedLog()) => {
      const redis = connectRedis(`redis://127.0.0.1:${proxy.port}`);
      redis.on("error", () => undefined);
      const bus = new RedisBus({ redis, channel, log: log.log, outages: new OutageLog(log.log) });
      opened.push(async () => {
        await bus.close();
        await closeRedis(redis);
      });
      return { bus, redis, lines: log.lines };
    };
    const a = node();
    const b = node();
    await Promise.all([a.bus.ready(), b.bus.ready()]);
    const onA = listen(a.bus);
    const onB = listen(b.bus);

    proxy.cut();
    await expect.poll(() => a.redis.status).not.toBe("ready");
    a.bus.publish(callEnded);
    expect(onA.map((h) => h.event)).toEqual([callEnded]);
    await expect.poll(() => a.lines.some((l) => l.msg === "an event was not sent to the other nodes: Redis is away" && l.eventType === "call.ended"), { timeout: 15_000 }).toBe(true);
    expect(onB).toEqual([]);

    proxy.restore();
    // Both nodes reconnect and subscribe again by themselves.
    await expect
      .poll(
        () => {
          a.bus.publish(settings(onB.length));
          return onB.length;
        },
        { timeout: 20_000, interval: 500 },
      )
      .toBeGreaterThan(0);
    expect(onB.every((h) => h.event.type === "settings.changed" && h.origin.remote)).toBe(true);
  }, 40_000);
});
