import type { Server } from "socket.io";
import type { AppDeps } from "../deps.ts";
import { requeueAndAssign } from "../domain/assignment/requeue.ts";
import { agentNamespaceOf } from "./agentNamespace.ts";
import { connectedAgentIds } from "./presence.ts";
import { type BackgroundJob, repeatEvery } from "../adapters/backgroundJob.ts";

const CHECK_EVERY_MS = 10_000;

/**
 * Every node, every few seconds: notes which agents are unavailable, puts back in the queue the
 * open conversations of anyone unavailable for ASSIGNMENT_REQUEUE_S, and assigns what waits
 * (also catching anything an event-driven run missed, e.g. while a node was restarting).
 */
export function startAssignmentJob(deps: AppDeps, io: Server): BackgroundJob {
  const agents = agentNamespaceOf(io);
  const check = async () => {
    // A node that does not answer fetchSockets makes everyone look offline: skip rather than requeue on that.
    const connected = await connectedAgentIds(agents);
    await requeueAndAssign(deps.domain, connected, deps.config.assignmentRequeueMs);
  };
  return repeatEvery(CHECK_EVERY_MS, check, (err: unknown) => deps.log.warn({ err }, "the assignment job failed; it runs again shortly"));
}
