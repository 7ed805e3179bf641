import { randomUUID } from "node:crypto";
import { deletePushSubscription, type PushSubscriptionRow, pushSubscriptionsOf, savePushSubscription } from "../../adapters/db/repositories/push.ts";
import type { NewPushSubscription, PushDeviceView } from "../../protocol/push.ts";
import { notFound } from "../errors.ts";
import type { DomainDeps } from "../ports.ts";

// Each agent turns push on per device (browser) and removes devices from their own list; nobody
// manages another agent's devices (an agent who leaves takes theirs along: the rows cascade).

function present(row: PushSubscriptionRow): PushDeviceView {
  return {
    id: row.id,
    device: row.device,
    service: new URL(row.endpoint).hostname,
    createdAt: new Date(row.created_at).toISOString(),
    lastSentAt: row.last_sent_at === null ? null : new Date(row.last_sent_at).toISOString(),
  };
}

export async function listPushDevices(deps: DomainDeps, agentId: string): Promise<PushDeviceView[]> {
  return (await pushSubscriptionsOf(deps.db, agentId)).map(present);
}

/** Turns push on for this browser (again): its endpoint now notifies `agentId`. */
export async function addPushDevice(deps: DomainDeps, agentId: string, input: NewPushSubscription): Promise<PushDeviceView> {
  const row = await savePushSubscription(deps.db, {
    id: randomUUID(),
    agent_id: agentId,
    endpoint: input.endpoint,
    p256dh: input.keys.p256dh,
    auth: input.keys.auth,
    device: input.device,
    created_at: deps.clock.now(),
    last_sent_at: null,
  });
  return present(row);
}

/** Removes one of the agent's own devices; another agent's is answered as missing. */
export async function removePushDevice(deps: DomainDeps, agentId: string, id: string): Promise<void> {
  if (!(await deletePushSubscription(deps.db, id, agentId))) throw notFound("push_device_not_found", "No such device.");
}
