import { hkdfSync } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import SQLite from "better-sqlite3";
import { sql } from "kysely";
import {
  BackupArchiveError,
  type BackupManifest,
  DATABASE_ENTRY,
  fileEntryName,
  openBackupArchive,
  SECRET_KEY_ENTRY,
  writeBackupArchive,
} from "./adapters/backup/backupArchive.ts";
import { MIGRATIONS, openDatabase } from "./adapters/db/database.ts";
import type { Config } from "./config.ts";
import { configOrExit } from "./main.ts";

/** A failure told to the operator as one line, without a stack trace. */
export class BackupError extends Error {}

const VERSION = (JSON.parse(readFileSync(resolve(import.meta.dirname, "../package.json"), "utf8")) as { version: string }).version;

/** A short fingerprint of the master secret, so a restore can tell it is given the same one (and the secret cannot be found from it). */
export function keyCheck(masterSecret: string): string {
  return Buffer.from(hkdfSync("sha256", masterSecret, "destek", "backup-key-check", 8)).toString("hex");
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * `destek backup <file>`: a consistent online backup of a running (or stopped) instance.
 * `destek restore <file> [--force]`: puts one back into an empty DATA_DIR.
 */
export async function backupCommand(command: "backup" | "restore", args: string[], usage: (message: string) => Error): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { force: { type: "boolean", default: false }, "include-secret-key": { type: "boolean", default: false } },
  });
  const file = positionals[0];
  if (!file || positionals.length > 1) throw usage(`${command} needs one file name, such as destek-backup.zip`);
  if (command === "backup" && values.force) throw usage("--force is an option of restore");
  if (command === "restore" && values["include-secret-key"]) throw usage("--include-secret-key is an option of backup");
  const config = configOrExit();
  if (command === "backup") await backup(config, resolve(file), values["include-secret-key"]);
  else await restore(config, resolve(file), values.force);
}

/** The master secret this configuration uses, without creating one (as starting destek would). */
function currentSecret(config: Config): string | undefined {
  if (config.secretKey) return config.secretKey;
  const file = join(config.dataDir, "secret.key");
  return existsSync(file) ? readFileSync(file, "utf8").trim() : undefined;
}

async function backup(config: Config, out: string, includeSecretKey: boolean): Promise<void> {
  const secret = currentSecret(config);
  if (!secret) throw new BackupError(`no SECRET_KEY is set and ${join(config.dataDir, "secret.key")} does not exist: is DATA_DIR that of your instance?`);
  if (!existsSync(dirname(out))) throw new BackupError(`the directory ${dirname(out)} does not exist`);
  const snapshot = `${out}.sqlite.partial`;
  try {
    let state: { migrations: string[]; referencedKeys: string[] };
    if (config.database.kind === "sqlite") {
      state = await snapshotSqlite(config.database.file, snapshot);
      console.log(`Copied the database (${mb(statSync(snapshot).size)}), consistent as of one moment.`);
    } else {
      state = await postgresState(config);
    }
    let lastShown = Date.now();
    const manifest = await writeBackupArchive(
      {
        databaseFile: config.database.kind === "sqlite" ? snapshot : undefined,
        filesDir: join(config.dataDir, "files"),
        referencedKeys: state.referencedKeys,
        secretKey: includeSecretKey ? secret : undefined,
        manifest: { destekVersion: VERSION, engine: config.database.kind, migration: state.migrations.at(-1) ?? null, migrations: state.migrations, keyCheck: keyCheck(secret) },
        onProgress: ({ files, bytes, total }) => {
          if (Date.now() - lastShown < 2000) return;
          lastShown = Date.now();
          console.log(`  ${files} of ${total} file(s), ${mb(bytes)}…`);
        },
      },
      out,
    );
    const f = manifest.files;
    console.log(
      `Wrote ${out}: ${manifest.database ? "the database, " : ""}${f.count} file(s) (${mb(f.bytes)}${f.encrypted ? `, ${f.encrypted} encrypted` : ""})${manifest.secretKey ? " and the secret key" : ""}; schema ${manifest.migration ?? "empty"}.`,
    );
    if (f.missing.length) console.log(`Warning: ${f.missing.length} file(s) the database refers to are not in ${join(config.dataDir, "files")} (listed in the manifest under files.missing).`);
    if (!manifest.secretKey) {
      console.log(
        config.secretKey
          ? "The archive does not hold SECRET_KEY: keep it apart (a password manager); a restore needs it for encrypted files, two-factor secrets and website identity secrets."
          : `The archive does not hold ${join(config.dataDir, "secret.key")}: keep a copy of it apart; a restore needs it for encrypted files, two-factor secrets and website identity secrets (or back up with --include-secret-key).`,
      );
    } else {
      console.log("The archive holds the master secret: store it as you would the secret itself.");
    }
    if (config.database.kind === "postgres") console.log(postgresGuidance(out));
  } finally {
    await rm(snapshot, { force: true });
    await rm(`${snapshot}-journal`, { force: true });
  }
}

/**
 * Copies the database with SQLite's online backup API while destek may be writing to it: the whole
 * copy is taken in one step, under one read transaction, which in WAL mode never blocks the writer.
 */
async function snapshotSqlite(file: string, target: string): Promise<{ migrations: string[]; referencedKeys: string[] }> {
  if (!existsSync(file)) throw new BackupError(`there is no database at ${file}: nothing to back up (is DATA_DIR right?)`);
  await rm(target, { force: true });
  const source = new SQLite(file, { fileMustExist: true });
  try {
    source.pragma("busy_timeout = 5000");
    // All remaining pages per step: a write between steps would otherwise restart a page-by-page copy.
    await source.backup(target, { progress: () => 0x7fffffff });
  } finally {
    source.close();
  }
  const copy = new SQLite(target, { fileMustExist: true });
  try {
    // One self-contained file: the restore sets WAL again when destek opens it.
    copy.pragma("journal_mode = DELETE");
    const check = copy.pragma("quick_check", { simple: true });
    if (check !== "ok") throw new BackupError(`the database copy failed its integrity check: ${String(check)}`);
    const has = (table: string) => copy.prepare("select 1 from sqlite_master where type = 'table' and name = ?").get(table) !== undefined;
    const migrations = has("kysely_migration") ? (copy.prepare("select name from kysely_migration order by name").pluck().all() as string[]) : [];
    const referencedKeys = [
      ...(has("attachments") ? (copy.prepare("select storage_key from attachments").pluck().all() as string[]) : []),
      ...(has("recordings") ? (copy.prepare("select storage_key from recordings where deleted_at is null").pluck().all() as string[]) : []),
    ];
    return { migrations, referencedKeys };
  } finally {
    copy.close();
  }
}

async function postgresState(config: Config): Promise<{ migrations: string[]; referencedKeys: string[] }> {
  const database = openDatabase(config.database);
  try {
    const migrations = (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(database.db)).rows.map((r) => r.name);
    const attachments = await database.db.selectFrom("attachments").select("storage_key").execute();
    const recordings = await database.db.selectFrom("recordings").select("storage_key").where("deleted_at", "is", null).execute();
    return { migrations, referencedKeys: [...attachments, ...recordings].map((r) => r.storage_key) };
  } catch (error) {
    throw new BackupError(`cannot read the PostgreSQL database (DATABASE_URL): ${(error as Error).message}`);
  } finally {
    await database.close();
  }
}

function postgresGuidance(archive: string): string {
  const dump = `${basename(archive).replace(/\.zip$/i, "")}.dump`;
  return [
    "",
    "On PostgreSQL the database is not in this archive: back it up with pg_dump, just before `destek backup`",
    "(so the archive holds every file the dump refers to), with a pg_dump as new as the server:",
    `  pg_dump --format=custom --no-owner --file=${dump} "$DATABASE_URL"`,
    "Restore it into an empty database with:",
    `  pg_restore --no-owner --exit-on-error --dbname="$DATABASE_URL" ${dump}`,
  ].join("\n");
}

async function restore(config: Config, archivePath: string, force: boolean): Promise<void> {
  const opened = await openBackupArchive(archivePath);
  try {
    const manifest = opened.manifest;
    const unknown = manifest.migrations.filter((name) => !(name in MIGRATIONS));
    if (unknown.length) {
      throw new BackupError(`this backup is of a newer destek (schema ${unknown.join(", ")} unknown to this destek ${VERSION}): restore it with destek ${manifest.destekVersion} or later`);
    }
    if (manifest.engine !== config.database.kind) {
      const has = manifest.engine === "sqlite" ? "a SQLite database" : "the files of a PostgreSQL instance";
      throw new BackupError(`this backup holds ${has}, but DATABASE_URL points to ${config.database.kind === "sqlite" ? "SQLite" : "PostgreSQL"}`);
    }
    const filesDir = join(config.dataDir, "files");
    if (!force) {
      if (config.database.kind === "sqlite" && existsSync(config.database.file)) {
        throw new BackupError(`${config.database.file} already exists: restore into an empty DATA_DIR, or pass --force to replace it (stop destek first)`);
      }
      if (existsSync(filesDir) && readdirSync(filesDir).length) {
        throw new BackupError(`${filesDir} is not empty: restore into an empty DATA_DIR, or pass --force to add the backup's files to it`);
      }
    }
    await mkdir(config.dataDir, { recursive: true });
    const secretFile = join(config.dataDir, "secret.key");
    const secret = await secretForRestore(config, opened, secretFile, force);
    try {
      console.log(`Restoring a backup of destek ${manifest.destekVersion} made ${manifest.createdAt} (${manifest.engine}, schema ${manifest.migration ?? "empty"}).`);

      let lastShown = Date.now();
      for (const [index, file] of manifest.files.entries.entries()) {
        await opened.extract(file, fileEntryName(file), join(filesDir, file.path));
        if (Date.now() - lastShown > 2000) {
          lastShown = Date.now();
          console.log(`  ${index + 1} of ${manifest.files.count} file(s)…`);
        }
      }
      if (secret.restore) await rename(secret.restore, secretFile);
      if (manifest.database && config.database.kind === "sqlite") {
        const target = config.database.file;
        const restored = `${target}.restored`;
        await opened.extract(manifest.database, DATABASE_ENTRY, restored);
        // A write-ahead log left by the replaced database would be replayed into the restored one.
        for (const leftover of [`${target}-wal`, `${target}-shm`, `${target}-journal`]) await rm(leftover, { force: true });
        await rename(restored, target);
      }
      const f = manifest.files;
      console.log(`Restored ${manifest.database ? "the database and " : ""}${f.count} file(s) (${mb(f.bytes)}) into ${config.dataDir}${secret.restore ? ", and the secret key" : ""}.`);
      if (f.missing.length) console.log(`Note: ${f.missing.length} file(s) the database refers to were already missing when the backup was made (see files.missing in the manifest).`);
      if (manifest.engine === "postgres") {
        console.log("This archive holds no database: restore the pg_dump made with it, into an empty database, before starting destek:");
        console.log('  pg_restore --no-owner --exit-on-error --dbname="$DATABASE_URL" <the .dump file>');
      }
      console.log("Start destek on this DATA_DIR to use it; it applies any newer migrations itself.");
    } finally {
      if (secret.restore) await rm(secret.restore, { force: true });
    }
  } finally {
    opened.close();
  }
}

/**
 * Settles which master secret the restored instance will use, and proves it is the one the backup
 * was made under: without it encrypted files, two-factor secrets and website identity secrets are lost.
 */
async function secretForRestore(
  config: Config,
  opened: Awaited<ReturnType<typeof openBackupArchive>>,
  secretFile: string,
  force: boolean,
): Promise<{ restore: string | undefined }> {
  const manifest: BackupManifest = opened.manifest;
  const existing = existsSync(secretFile) ? (await readFile(secretFile, "utf8")).trim() : undefined;
  let candidate: { secret: string; from: string } | undefined;
  let restoreFrom: string | undefined;
  if (config.secretKey) candidate = { secret: config.secretKey, from: "SECRET_KEY" };
  else if (manifest.secretKey) {
    restoreFrom = `${secretFile}.restoring`;
    await opened.extract(manifest.secretKey, SECRET_KEY_ENTRY, restoreFrom);
    candidate = { secret: (await readFile(restoreFrom, "utf8")).trim(), from: "the backup's secret.key" };
    if (existing !== undefined && existing !== candidate.secret && !force) {
      await rm(restoreFrom, { force: true });
      throw new BackupError(`${secretFile} differs from the secret key in the backup: remove it, or pass --force to replace it`);
    }
  } else if (existing !== undefined) candidate = { secret: existing, from: secretFile };
  if (!candidate) {
    if (force) return { restore: undefined };
    throw new BackupError(
      `the backup does not hold its master secret: set SECRET_KEY to the one of the backed-up instance, or copy its secret.key into ${config.dataDir}, then restore again (--force restores without it: encrypted files, two-factor secrets and website identity secrets would be lost)`,
    );
  }
  if (keyCheck(candidate.secret) !== manifest.keyCheck && !force) {
    if (restoreFrom) await rm(restoreFrom, { force: true });
    throw new BackupError(`${candidate.from} is not the secret this backup was made under: encrypted files, two-factor secrets and website identity secrets would not open (--force restores anyway)`);
  }
  if (restoreFrom) await writeFile(restoreFrom, `${candidate.secret}\n`, { mode: 0o600 });
  return { restore: restoreFrom };
}

export { BackupArchiveError };
