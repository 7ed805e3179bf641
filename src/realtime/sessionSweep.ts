import type { Server } from "socket.io";
import { endedSessionIds } from "../adapters/db/repositories/sessions.ts";
import type { AppDeps } from "../deps.ts";
import { agentNamespaceOf, endConsoles } from "./agentNamespace.ts";
import { sessionRoom } from "./rooms.ts";
import { repeatEvery } from "../adapters/backgroundJob.ts";

const SWEEP_EVERY_MS = 3_000;
const SLICE = 500;

/**
 * Disconnects this node's consoles whose session ended elsewhere: the CLI's `agent disable` runs in
 * another process with no socket server, and a node may miss another's broadcast while Redis is
 * away. One query per sweep, over the sessions connected here only.
 */
export function startSessionSweepJob(deps: AppDeps, io: Server): { stop(): Promise<void> | void } {
  const agents = agentNamespaceOf(io);
  const sweep = async () => {
    const connected = [...new Set([...agents.sockets.values()].map((socket) => socket.data.actor.sessionId))];
    // In slices, so a node with thousands of consoles stays within the database's parameter limits.
    for (let start = 0; start < connected.length; start += SLICE) {
      for (const sessionId of await endedSessionIds(deps.domain.db, connected.slice(start, start + SLICE), deps.domain.clock.now())) {
        deps.log.info({ sessionId }, "session ended elsewhere: its consoles are disconnected");
        endConsoles(agents, sessionRoom(sessionId), "session_invalid");
      }
    }
  };
  return repeatEvery(SWEEP_EVERY_MS, () => sweep(), (err: unknown) => deps.log.warn({ err }, "checking the connected consoles' sessions failed"));
}
