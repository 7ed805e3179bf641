import type { Server } from "socket.io";
import { type BackgroundJob, repeatEvery } from "../adapters/backgroundJob.ts";
import type { AppDeps } from "../deps.ts";
import { inboxesOpenNow } from "../domain/inboxes/availability.ts";
import { AGENTS_ROOM } from "./rooms.ts";

/** Often enough that a widget stops offering Call within a minute of closing time. */
const CHECK_EVERY_MS = 30_000;

/**
 * One check: when an inbox opened or closed since the last check, this node's widgets are nudged
 * (`agents:presence`), and they sync again. The first check only takes note.
 */
export function createBusinessHoursWatch(deps: AppDeps, io: Server): () => Promise<boolean> {
  let last: Map<string, boolean> | null = null;
  return async () => {
    const now = await inboxesOpenNow(deps.domain);
    const before = last;
    last = now;
    if (!before || ![...now].some(([id, open]) => before.has(id) && before.get(id) !== open)) return false;
    const online = (await io.of("/agent").in(AGENTS_ROOM).fetchSockets()).length > 0;
    io.of("/visitor").local.emit("agents:presence", { online });
    return true;
  };
}

/** Opening and closing time pass without any event: each node checks its inboxes' hours every 30 s. */
export function startBusinessHoursJob(deps: AppDeps, io: Server): BackgroundJob {
  const check = createBusinessHoursWatch(deps, io);
  return repeatEvery(CHECK_EVERY_MS, check, (err: unknown) => deps.log.warn({ err }, "checking business hours for opening and closing failed"));
}
