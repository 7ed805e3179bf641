import pino from "pino";
import { closeDeps, createDeps } from "./deps.ts";
import { configOrExit } from "./main.ts";

/**
 * `destek files reencrypt`: rewrites every stored attachment and recording under the current key:
 * the files stored before ENCRYPT_FILES was turned on, and those of an earlier SECRET_KEY after a
 * rotation (readable through PREVIOUS_SECRET_KEYS until this has run). Safe to run again or on a
 * live server: each file is replaced whole, and one already under the current key is left alone.
 */
export async function filesCommand(args: string[], usage: (message: string) => Error): Promise<void> {
  const [sub] = args;
  if (sub !== "reencrypt") throw usage(`unknown files command "${sub ?? ""}"`);
  const config = configOrExit();
  if (!config.encryptFiles) throw usage("files reencrypt needs ENCRYPT_FILES=true (it encrypts files under the current key)");
  const deps = createDeps(config, { log: pino({ level: "warn" }) });
  try {
    const db = deps.domain.db;
    const attachments = await db.selectFrom("attachments").select("storage_key").where("deleted_at", "is", null).execute();
    const recordings = await db.selectFrom("recordings").select("storage_key").where("deleted_at", "is", null).execute();
    const counts = { resealed: 0, current: 0, missing: 0, failed: 0 };
    for (const { storage_key: key } of [...attachments, ...recordings]) {
      try {
        counts[await deps.storage.reseal(key)]++;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") {
          counts.missing++;
          continue;
        }
        counts.failed++;
        process.stderr.write(`destek: could not re-encrypt ${key}: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
    console.log(`Re-encrypted ${counts.resealed} file(s); ${counts.current} already under the current key; ${counts.missing} missing; ${counts.failed} failed.`);
    if (counts.failed) process.exitCode = 1;
  } finally {
    await closeDeps(deps);
  }
}
