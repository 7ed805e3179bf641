import closeWithGrace from "close-with-grace";
import type { FastifyInstance } from "fastify";
import { buildApp } from "./app.ts";
import { type Config, ConfigError, loadConfig, loadDotEnv } from "./config.ts";
import { migrateToLatest } from "./adapters/db/database.ts";
import { checkBucketAtStart } from "./adapters/storage/s3Storage.ts";
import { type AppDeps, closeDeps, createDeps } from "./deps.ts";
import { ServiceOutage } from "./domain/outage.ts";
import { issueSetupLink } from "./domain/setup.ts";
import { startBackgroundJobs } from "./jobs.ts";

/** How long a shutdown may take before the process gives up waiting and exits 1. */
const SHUTDOWN_GRACE_MS = 10_000;
/** How long a failed start may spend releasing its connections before it exits anyway. */
const FAILED_START_CLEANUP_MS = 3_000;

/** Reads the configuration or exits with one line naming the bad variable. */
export function configOrExit(): Config {
  try {
    loadDotEnv();
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** Starts destek: migrate, listen, start the jobs, print the setup link on a fresh install, shut down gracefully. */
export async function main(): Promise<void> {
  const config = configOrExit();
  const deps = createDeps(config);
  let app: FastifyInstance | undefined;
  try {
    const applied = await migrateToLatest(deps.database);
    if (applied.length) deps.log.info({ migrations: applied }, "database migrated");
    if (deps.bucket) await checkBucketAtStart(deps.bucket, deps.log);
    app = await buildApp(deps);
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    // A supervisor restarts a node that exits non-zero; one that exits 0 or hangs is never retried.
    process.stderr.write(`destek: ${startFailure(error, config)}\n`);
    await withDeadline(releaseAfterFailedStart(deps, app), FAILED_START_CLEANUP_MS);
    process.exit(1);
  }
  const running = app;
  const jobs = startBackgroundJobs(deps, running.io);

  closeWithGrace({ delay: SHUTDOWN_GRACE_MS, logger: deps.log }, async ({ signal, err }) => {
    if (err) deps.log.error({ err }, "shutting down after an error");
    else deps.log.info({ signal }, "shutting down");
    // Stop the timers first, so no job starts a write the closing database would cut short; then
    // stop accepting, drop the sockets (browsers reconnect to another node), let in-flight
    // requests finish; the Telegram lease and the database go last.
    await jobs.stop();
    await running.close();
    await closeDeps(deps);
    deps.log.info("shut down");
  });

  // Telegram retries by itself in the background: an outage at boot must not stop the server.
  deps.telegram?.start(deps).catch((err: unknown) => deps.log.error({ err }, "the Telegram worker did not start"));
  const setupLink = await issueSetupLink(deps.domain);
  if (setupLink) {
    const message = `No agent exists yet. Create the first admin at ${setupLink}`;
    deps.log.warn({ setupLink, validFor: "1 hour" }, message);
    // The log is JSON lines on stdout, where a person looking for the link does not see it: say it plainly on stderr too.
    process.stderr.write(`${message}\n`);
  }
}

/** One line an operator can act on, for an error that stopped the start. */
function startFailure(error: unknown, config: Config): string {
  const code = error instanceof Error && "code" in error ? String(error.code) : undefined;
  const address = `${config.host}:${config.port}`;
  if (code === "EADDRINUSE") return `cannot listen on ${address}: the port is already in use by another process`;
  if (code === "EACCES") return `cannot listen on ${address}: permission denied (ports below 1024 need privileges)`;
  if (code === "EADDRNOTAVAIL") return `cannot listen on ${address}: this machine has no such address (check HOST)`;
  if (error instanceof ServiceOutage) return `could not start: the ${error.dependency} is unreachable (${firstLine(error.source)})`;
  return `could not start: ${firstLine(error)}`;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message || error.name : String(error);
  return message.split("\n")[0] ?? "";
}

async function releaseAfterFailedStart(deps: AppDeps, app: FastifyInstance | undefined): Promise<void> {
  await app?.close().catch(() => undefined);
  await closeDeps(deps).catch(() => undefined);
}

function withDeadline(work: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    work.finally(() => {
      clearTimeout(timer);
      resolve();
    }).catch(() => undefined);
  });
}
