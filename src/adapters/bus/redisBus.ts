import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { z } from "zod";
import { CLUSTER_EVENTS, type DomainEvent, type EventBus, type EventListener } from "../../domain/events.ts";
import { callView } from "../../protocol/calls.ts";
import type { OutageLog } from "../outages.ts";
import type { Keys } from "../../secrets.ts";
import { closeRedis, deploymentTag } from "../redis.ts";
import { LocalBus } from "./localBus.ts";

/** ioredis states of a connection that was lost (or closed), as opposed to one still being made. */
const AWAY = new Set(["reconnecting", "close", "end"]);

/** One deployment's channel of domain events, the same on each of its nodes (they share SECRET_KEY). */
export const eventsChannel = (keys: Keys): string => `destek:${deploymentTag(keys)}:events`;

const id = z.string().min(1).max(200);

/** The cluster-wide events as they travel between nodes; whatever else arrives on the channel is dropped. */
const clusterEvent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("call.ended"), call: callView }),
  z.object({ type: z.literal("presence.changed"), agentId: id }),
  z.object({ type: z.literal("session.ended"), agentId: id, sessionId: id.nullable(), reason: z.string().max(100).optional() }),
  z.object({ type: z.literal("settings.changed"), keys: z.array(z.string().max(100)).max(100) }),
]);
const envelope = z.object({ node: z.string(), event: clusterEvent });

/** The event types the wire format knows: a test keeps it equal to CLUSTER_EVENTS. */
export const WIRE_EVENT_TYPES: ReadonlySet<string> = new Set(clusterEvent.options.map((o) => o.shape.type.value));

export interface RedisBusOptions {
  /** The command connection: events are published on it (the bus subscribes on a copy of its own). */
  redis: Redis;
  /** One deployment's channel, the same on each of its nodes (see deploymentTag). */
  channel: string;
  log: Logger;
  outages: OutageLog;
}

/**
 * Domain events for a cluster: every event reaches this node's subscribers at once, and the
 * CLUSTER_EVENTS also go through Redis pub/sub to the other nodes' subscribers (as remote). A node
 * skips its own messages coming back, so each subscriber hears each event exactly once. While Redis
 * is away, events still reach this node's subscribers; what could not be sent to the others is logged.
 */
export class RedisBus implements EventBus {
  private readonly local: LocalBus;
  private readonly node = randomUUID();
  private readonly subscriber: Redis;
  private readonly subscribed: Promise<void>;

  constructor(private readonly options: RedisBusOptions) {
    const { log } = options;
    this.local = new LocalBus((err) => log.error({ err }, "event subscriber failed"));
    this.subscriber = options.redis.duplicate();
    // The command connection already reports a Redis outage, once; this one would repeat it per retry.
    this.subscriber.on("error", () => undefined);
    this.subscriber.on("message", (channel: string, message: string) => {
      if (channel === options.channel) this.receive(message);
    });
    this.subscribed = this.listen();
    this.subscribed.catch((err: unknown) => log.warn({ err }, "subscribing to other nodes' events failed; they are heard once Redis is back"));
    // ioredis subscribes again by itself after a reconnection, but only to what it had subscribed:
    // a node started while Redis was away subscribes when Redis comes.
    this.subscriber.on("ready", () => {
      if (!this.listening) this.listen().catch(() => undefined);
    });
  }

  private listening = false;
  private async listen(): Promise<void> {
    await this.subscriber.subscribe(this.options.channel);
    this.listening = true;
  }

  publish(event: DomainEvent): void {
    this.local.publish(event);
    if (!CLUSTER_EVENTS.has(event.type)) return;
    const { redis, channel, log, outages } = this.options;
    const missed = (err: unknown) => {
      outages.lost("redis", err);
      log.warn({ eventType: event.type }, "an event was not sent to the other nodes: Redis is away");
    };
    // Not queued while Redis is away: news (a call ended) delivered minutes late would mislead. While
    // the first connection is being made (a CLI command that just started), it waits for it.
    if (AWAY.has(redis.status)) missed(new Error(`Redis connection is ${redis.status}`));
    else redis.publish(channel, JSON.stringify({ node: this.node, event })).catch(missed);
  }

  subscribe(listener: EventListener): () => void {
    return this.local.subscribe(listener);
  }

  ready(): Promise<void> {
    return this.subscribed;
  }

  async close(): Promise<void> {
    await this.local.close();
    await closeRedis(this.subscriber);
  }

  private receive(message: string): void {
    let parsed: z.infer<typeof envelope>;
    try {
      const result = envelope.safeParse(JSON.parse(message));
      if (!result.success) throw result.error;
      parsed = result.data;
    } catch (err) {
      this.options.log.warn({ err }, "dropped an event from another node that does not match the schema");
      return;
    }
    if (parsed.node === this.node) return;
    const event: DomainEvent = parsed.event;
    this.local.deliver(event, { remote: true });
  }
}
