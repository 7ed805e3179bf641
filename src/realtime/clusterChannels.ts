import { createHmac } from "node:crypto";
import type { Keys } from "../secrets.ts";

/**
 * Redis names of one deployment's Socket.IO cluster, derived from its master secret (the same on
 * every node). Two deployments (or two parallel test runs) on one Redis then never count each
 * other's nodes: a stalled node of another deployment cannot make this one's fetchSockets time out.
 */
export function clusterChannels(keys: Keys): { streamName: string; channelPrefix: string; sessionKeyPrefix: string } {
  const cluster = createHmac("sha256", keys.tokenHash).update("socket.io-cluster").digest("hex").slice(0, 16);
  return { streamName: `destek:${cluster}:socket.io`, channelPrefix: `destek:${cluster}:socket.io`, sessionKeyPrefix: `destek:${cluster}:sio:session:` };
}
