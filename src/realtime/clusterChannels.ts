import type { Keys } from "../secrets.ts";
import { deploymentTag } from "../adapters/redis.ts";

/**
 * Redis names of one deployment's Socket.IO cluster, derived from its master secret (the same on
 * every node). Two deployments (or two parallel test runs) on one Redis then never count each
 * other's nodes: a stalled node of another deployment cannot make this one's fetchSockets time out.
 */
export function clusterChannels(keys: Keys): { streamName: string; channelPrefix: string; sessionKeyPrefix: string } {
  const tag = deploymentTag(keys);
  return { streamName: `destek:${tag}:socket.io`, channelPrefix: `destek:${tag}:socket.io`, sessionKeyPrefix: `destek:${tag}:sio:session:` };
}
