import type { Server } from "socket.io";
import { activeCalls } from "../adapters/db/repositories/calls.ts";
import { type BackgroundJob, repeatEvery } from "../adapters/backgroundJob.ts";
import type { AppDeps } from "../deps.ts";
import { hangUpCall } from "../domain/calls/callService.ts";
import { agentNamespaceOf } from "./agentNamespace.ts";
import { agentRoom, visitorRoom } from "./rooms.ts";

const CHECK_EVERY_MS = 5_000;

/**
 * Ends live calls whose participant is gone from every node. A participant who leaves a running node
 * is seen by that node's departure watch (realtime/departures.ts); one whose node died (SIGKILL, a
 * lost machine) is seen by nobody else: here every node looks, every few seconds, for a caller or
 * an agent of a live call with no socket on any node, and once one has been missing for the
 * rejoin window the call ends as their leaving would have ended it ("caller_left", "agent_left").
 * The same check ends the calls a lone node was in when it was killed, after its restart. While a
 * dead peer still counts as a cluster member (until the adapter's heartbeat drops it),
 * `fetchSockets` fails: nothing is decided on such a round.
 */
export function startStrandedCallsJob(deps: AppDeps, io: Server): BackgroundJob {
  const agents = agentNamespaceOf(io);
  const visitors = io.of("/visitor");
  const graceMs = deps.config.calls.rejoinWindowMs;
  /** When this node first saw each participant of a live call missing, by "callId:role". */
  const missingSince = new Map<string, number>();

  const present = async (room: string, nsp: { in(room: string): { fetchSockets(): Promise<unknown[]> } }) => (await nsp.in(room).fetchSockets()).length > 0;

  const check = async () => {
    const now = deps.domain.clock.now();
    const seen = new Set<string>();
    for (const call of await activeCalls(deps.domain.db)) {
      const sides = [
        { key: `${call.id}:caller`, here: () => present(visitorRoom(call.visitor_id), visitors), who: { visitorId: call.visitor_id }, reason: "caller_left" },
        ...(call.agent_id ? [{ key: `${call.id}:agent`, here: () => present(agentRoom(call.agent_id!), agents), who: { agentId: call.agent_id }, reason: "agent_left" }] : []),
      ];
      for (const side of sides) {
        seen.add(side.key);
        if (await side.here()) {
          missingSince.delete(side.key);
          continue;
        }
        const since = missingSince.get(side.key) ?? now;
        if (!missingSince.has(side.key)) deps.log.info({ callId: call.id, side: side.reason }, "a participant of a live call is connected to no node");
        missingSince.set(side.key, since);
        if (now - since < graceMs) continue;
        const ended = await hangUpCall(deps.domain, side.who, call.id, side.reason);
        deps.log.info({ callId: call.id, reason: side.reason, missingMs: now - since, endReason: ended.endReason }, "call ended: a participant is gone from every node");
        break;
      }
    }
    for (const key of missingSince.keys()) if (!seen.has(key)) missingSince.delete(key);
  };

  return repeatEvery(CHECK_EVERY_MS, check, (err: unknown) => deps.log.warn({ err }, "checking live calls for participants gone from every node failed; trying again"));
}
