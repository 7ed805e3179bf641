import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * Decides which node talks to Telegram (long polling and the outbox worker): Telegram allows one
 * getUpdates consumer per bot, and one sender keeps each chat's messages in order. Without Redis
 * the single node always leads; with Redis a renewed lock elects one node.
 */
export interface Leadership {
  isLeader(): boolean;
  stop(): Promise<void>;
}

const TTL_MS = 30_000;
const RENEW_MS = 10_000;

// Extends the lock only while we still hold it.
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

/** `botId` scopes the lock: Telegram's one-consumer rule is per bot. */
export function electLeader(redis: Redis | undefined, botId: string, onChange: (leader: boolean) => void): Leadership {
  const KEY = `destek:telegram:leader:${botId}`;
  if (!redis) {
    queueMicrotask(() => onChange(true));
    return { isLeader: () => true, stop: async () => undefined };
  }
  const id = randomUUID();
  let leader = false;
  let decided = false;
  // The first decision is always reported (a follower needs to know it is one); later, only changes.
  const set = (value: boolean) => {
    if (value !== leader || !decided) {
      decided = true;
      leader = value;
      onChange(value);
    }
  };
  const tick = async () => {
    try {
      if (leader) set((await redis.eval(RENEW, 1, KEY, id, TTL_MS)) === 1);
      else set((await redis.set(KEY, id, "PX", TTL_MS, "NX")) === "OK");
    } catch {
      set(false);
    }
  };
  // tick handles its own failures; the catch only keeps a surprise from going unhandled.
  const renew = () => {
    tick().catch(() => set(false));
  };
  renew();
  const timer = setInterval(renew, RENEW_MS);
  timer.unref();
  return {
    isLeader: () => leader,
    async stop() {
      clearInterval(timer);
      if (leader) await redis.eval(RELEASE, 1, KEY, id).catch(() => undefined);
      set(false);
    },
  };
}
