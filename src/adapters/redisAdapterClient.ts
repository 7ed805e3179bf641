import type { Redis } from "ioredis";

/**
 * The connection the Socket.IO Redis adapter publishes on. The adapter sends some commands without
 * waiting for them (PUBLISH of heartbeats and cluster requests, SET of recovery sessions); while
 * Redis is away each would become an unhandled rejection, which shuts a node down. Here each of
 * those promises gets a handler (the outage itself is logged by the main connection); callers
 * that do wait still see the failure.
 */
export function adapterClient(redis: Redis): Redis {
  const client = redis.duplicate();
  const publish = client.publish.bind(client);
  const set = client.set.bind(client);
  const ignore = () => undefined;
  client.publish = (...args: Parameters<typeof publish>) => {
    const pending = publish(...args);
    pending.catch(ignore);
    return pending;
  };
  client.set = ((...args: Parameters<typeof set>) => {
    const pending = set(...args);
    pending.catch(ignore);
    return pending;
  }) as typeof client.set;
  return client;
}
