import closeWithGrace from "close-with-grace";
import { buildApp } from "./app.ts";
import { type Config, ConfigError, loadConfig, loadDotEnv } from "./config.ts";
import { migrateToLatest } from "./adapters/db/database.ts";
import { closeDeps, createDeps } from "./deps.ts";
import { startOrphanUploadJob } from "./adapters/storage/uploadJobs.ts";
import { issueSetupLink } from "./domain/setup.ts";

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

/** Starts destek: migrate, listen, print the setup link on a fresh install, shut down gracefully. */
export async function main(): Promise<void> {
  const config = configOrExit();
  const deps = createDeps(config);
  const applied = await migrateToLatest(deps.database);
  if (applied.length) deps.log.info({ migrations: applied }, "database migrated");
  const app = await buildApp(deps);
  const orphanUploads = startOrphanUploadJob(deps);

  closeWithGrace({ delay: 15_000, logger: deps.log }, async ({ signal, err }) => {
    if (err) deps.log.error({ err }, "shutting down after an error");
    else deps.log.info({ signal }, "shutting down");
    // Stop accepting, let in-flight requests and writes finish, close sockets, then the database.
    await app.close();
    await orphanUploads.stop();
    await closeDeps(deps);
  });

  await app.listen({ port: config.port, host: config.host });
  // Telegram retries by itself in the background: an outage at boot must not stop the server.
  void deps.telegram?.start(deps);
  const setupLink = await issueSetupLink(deps.domain);
  if (setupLink) {
    deps.log.warn({ setupLink, validFor: "1 hour" }, `No agent exists yet. Create the first admin at ${setupLink}`);
  }
}
