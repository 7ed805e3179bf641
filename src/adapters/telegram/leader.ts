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

// A killed leader's lock runs out at most LEADER_TTL_MS after its last renewal, and a follower tries
// every LEADER_RENEW_MS: the lease moves within 20 s of a crash. A leader renews three times
// per TTL, so a slow Redis round trip or a busy event loop does not cost it the lease.
export const LEADER_TTL_MS = 15_000;
export const LEADER_RENEW_MS = 5_000;

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
      if (leader) set((await redis.eval(RENEW, 1, KEY, id, LEADER_TTL_MS)) === 1);
      else set((await redis.set(KEY, id, "PX", LEADER_TTL_MS, "NX")) === "OK");
    } catch {
      set(false);
    }
  };
  // tick handles its own failures; the catch only keeps a surprise from going unhandled.
  const renew = () => {
    tick().catch(() => set(false));
  };
  renew();
  const timer = setInterval(renew, LEADER_RENEW_MS);
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
