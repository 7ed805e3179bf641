import { setImmediate as nextTurn } from "node:timers/promises";
import { type BackgroundJob, repeatEvery } from "../backgroundJob.ts";
import type { AppDeps } from "../../deps.ts";
import { INDEX_BATCH, indexNotedMessages } from "./repositories/searchIndex.ts";

/** How often a node indexes the messages noted since (migration 0028): search lags a send by about this. */
const INDEX_EVERY_MS = 200;

/**
 * Indexes noted messages for search in batches, on every node (the upsert makes a doubled batch
 * harmless). Between batches it yields, so a backlog (after a restart, or a burst) is worked off
 * without holding the event loop from the sends that keep arriving.
 */
export function startSearchIndexJob(deps: Pick<AppDeps, "database" | "log">): BackgroundJob {
  return repeatEvery(
    INDEX_EVERY_MS,
    async () => {
      while ((await indexNotedMessages(deps.database.db)) === INDEX_BATCH) await nextTurn();
    },
    (err: unknown) => deps.log.error({ err }, "indexing messages for search failed"),
  );
}
