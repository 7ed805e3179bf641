import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { sql } from "kysely";
import type { Logger } from "pino";
import type { BackgroundJob } from "../backgroundJob.ts";
import type { DatabaseHandle } from "./database.ts";

/** How often the worker copies the write-ahead log into the database file. */
const CHECKPOINT_EVERY_MS = 200;
/**
 * The server's own connection checkpoints only if the log grows past this many pages (40 MB), which
 * it does only when the worker is stuck: a safety net. SQLite's default is 1,000 pages.
 */
const SAFETY_NET_PAGES = 10_000;
const SQLITE_DEFAULT_PAGES = 1_000;

// The worker: a second connection to the same file that runs PASSIVE checkpoints (they never wait
// for, nor block, the server's writes). CommonJS in a string, so it runs the same under tsx and node.
const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma("busy_timeout = 1000");
const timer = setInterval(() => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message || error) });
  }
}, workerData.everyMs);
parentPort.on("message", () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Checkpoints an SQLite database from a worker thread instead of inside the server's commits.
 *
 * In WAL mode SQLite copies the log into the database file (a checkpoint, with an fsync) from
 * within whichever commit crosses `wal_autocheckpoint` pages: with chat messages that was one commit
 * in about 50, taking 5-10 ms of the event loop each, about a quarter of the time a message took
 * (bench/notes/chat.md). Here a worker thread does it every 200 ms, on the other core, and the
 * server's own connection keeps a far threshold only as a safety net. Nothing to do on PostgreSQL.
 */
export function startSqliteCheckpoints(database: DatabaseHandle, log: Logger): BackgroundJob {
  const file = database.kind === "sqlite" ? database.file : undefined;
  if (!file) return { stop() {} };
  const autoCheckpoint = (pages: number) =>
    sql`pragma wal_autocheckpoint = ${sql.lit(pages)}`.execute(database.db).then(
      () => undefined,
      (err: unknown) => log.warn({ err }, "setting SQLite's checkpoint threshold failed"),
    );
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { file, driver: createRequire(import.meta.url).resolve("better-sqlite3"), everyMs: CHECKPOINT_EVERY_MS },
  });
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  worker.on("message", (message: { error?: string }) => log.warn({ error: message.error }, "an SQLite checkpoint failed; the next one tries again"));
  worker.on("error", (err) => {
    log.error({ err }, "the SQLite checkpoint worker stopped; the server's connection checkpoints again");
    return autoCheckpoint(SQLITE_DEFAULT_PAGES);
  });
  const raised = autoCheckpoint(SAFETY_NET_PAGES);
  return {
    async stop() {
      await raised;
      worker.postMessage("stop");
      await exited;
      await autoCheckpoint(SQLITE_DEFAULT_PAGES);
    },
  };
}
