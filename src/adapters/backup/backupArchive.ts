import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, open, readdir, rename, rm } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { PassThrough, type Readable, Transform } from "node:stream";
import { finished, pipeline } from "node:stream/promises";
import yauzl from "yauzl";
import { ZipFile } from "yazl";
import { z } from "zod";

/**
 * One destek backup is one zip: `manifest.json`, the SQLite snapshot under `database/`, the stored
 * files under `files/` exactly as they lie on disk (encrypted ones stay encrypted) and, only when
 * asked for, `secret.key`. The manifest lists every entry with its size and SHA-256, so a restore
 * proves each byte before it puts anything in place.
 */
export const MANIFEST = "manifest.json";
export const DATABASE_ENTRY = "database/destek.sqlite";
export const SECRET_KEY_ENTRY = "secret.key";
const FILES_PREFIX = "files/";

const archivedFile = z.object({ path: z.string(), bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) });
export type ArchivedFile = z.infer<typeof archivedFile>;

export const manifestSchema = z.object({
  format: z.literal("destek-backup"),
  formatVersion: z.literal(1),
  destekVersion: z.string(),
  createdAt: z.iso.datetime(),
  engine: z.enum(["sqlite", "postgres"]),
  /** The last schema migration applied, and all of them: a restore refuses a backup of a newer schema. */
  migration: z.string().nullable(),
  migrations: z.array(z.string()),
  /** The SQLite snapshot; null on PostgreSQL, whose data is backed up with pg_dump. */
  database: archivedFile.nullable(),
  files: z.object({
    count: z.number().int().nonnegative(),
    bytes: z.number().int().nonnegative(),
    /** How many are encrypted at rest: they open only with the key the backup was made under. */
    encrypted: z.number().int().nonnegative(),
    /** Files the database refers to that were not in DATA_DIR/files when the backup was made. */
    missing: z.array(z.string()),
    entries: z.array(archivedFile),
  }),
  /** A fingerprint of the master secret (not the secret): the restore checks it is given the same one. */
  keyCheck: z.string().regex(/^[0-9a-f]{16}$/),
  secretKey: archivedFile.nullable(),
}).refine((m) => (m.engine === "sqlite") === (m.database !== null), { message: "a SQLite backup holds its database, a PostgreSQL one none", path: ["database"] });
export type BackupManifest = z.infer<typeof manifestSchema>;

const ENCRYPTED_MAGIC = Buffer.from("DSTKENC1");

/** Relative paths made of plain names only, so an archive entry can never land outside its directory. */
export function isSafeRelativePath(path: string): boolean {
  const parts = path.split("/");
  return parts.length >= 1 && parts.every((part) => /^[A-Za-z0-9._-]{1,200}$/.test(part) && part !== "." && part !== "..");
}

/** Every file under `root` (relative, with `/`), skipping the `.partial` files of writes under way. */
export async function listStoredFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string): Promise<void> {
    let entries: import("node:fs").Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw error;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && !entry.name.endsWith(".partial")) out.push(relative(root, path).split(sep).join("/"));
    }
  }
  await walk(root);
  return out;
}

/** Counts and hashes the bytes flowing through; notes whether they start as an encrypted file does. */
class Measure extends Transform {
  readonly hash = createHash("sha256");
  bytes = 0;
  private head = Buffer.alloc(0);
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null, data?: Buffer) => void): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    if (this.head.length < ENCRYPTED_MAGIC.length) this.head = Buffer.concat([this.head, chunk.subarray(0, ENCRYPTED_MAGIC.length)]);
    done(null, chunk);
  }
  get encrypted(): boolean {
    return this.head.subarray(0, ENCRYPTED_MAGIC.length).equals(ENCRYPTED_MAGIC);
  }
}

export interface BackupSource {
  /** The consistent SQLite snapshot file to archive; undefined on PostgreSQL. */
  databaseFile: string | undefined;
  /** DATA_DIR/files. */
  filesDir: string;
  /** The storage keys the database refers to, to report any file missing from the archive. */
  referencedKeys: string[];
  /** The master secret file's contents, when it is to travel in the archive. */
  secretKey: string | undefined;
  manifest: Pick<BackupManifest, "destekVersion" | "engine" | "migration" | "migrations" | "keyCheck">;
  onProgress?: (done: { files: number; bytes: number; total: number }) => void;
}

/**
 * Writes the archive to `path`, complete or not at all (a `.partial` name renamed at the end). Files
 * are streamed one at a time; one removed while the backup runs (an erasure) is left out, not an error.
 */
export async function writeBackupArchive(source: BackupSource, path: string): Promise<BackupManifest> {
  const partial = `${path}.partial`;
  const zip = new ZipFile();
  const written = pipeline(zip.outputStream, createWriteStream(partial, { mode: 0o600 }));
  // A failure of the output (disk full) must stop the loop below, not leave it waiting on an entry
  // that nobody reads any more.
  const outputFailed = written.then(() => {
    throw new Error("the archive was closed before all entries were written");
  });
  outputFailed.catch(() => undefined);
  const add = async (input: Readable, name: string, size: number): Promise<Measure> => {
    const measure = new Measure();
    const ended = finished(measure);
    zip.addReadStream(input.pipe(measure), name, { size, mode: 0o100600 });
    input.once("error", (error) => measure.destroy(error));
    await Promise.race([ended, outputFailed]);
    return measure;
  };
  const addFile = async (file: string, name: string): Promise<Measure | undefined> => {
    let handle: import("node:fs/promises").FileHandle;
    try {
      handle = await open(file, "r");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    // Open before reading: a file unlinked meanwhile is still read whole through its descriptor.
    const { size } = await handle.stat();
    return add(handle.createReadStream({ autoClose: true }), name, size);
  };
  try {
    let database: ArchivedFile | null = null;
    if (source.databaseFile) {
      const measure = await addFile(source.databaseFile, DATABASE_ENTRY);
      if (!measure) throw new Error(`the database snapshot ${source.databaseFile} vanished`);
      database = { path: DATABASE_ENTRY, bytes: measure.bytes, sha256: measure.hash.digest("hex") };
    }
    const names = await listStoredFiles(source.filesDir);
    const entries: ArchivedFile[] = [];
    let bytes = 0;
    let encrypted = 0;
    for (const name of names) {
      if (!isSafeRelativePath(name)) continue;
      const measure = await addFile(join(source.filesDir, name), FILES_PREFIX + name);
      if (!measure) continue;
      entries.push({ path: name, bytes: measure.bytes, sha256: measure.hash.digest("hex") });
      bytes += measure.bytes;
      if (measure.encrypted) encrypted++;
      source.onProgress?.({ files: entries.length, bytes, total: names.length });
    }
    let secretKey: ArchivedFile | null = null;
    if (source.secretKey !== undefined) {
      const data = Buffer.from(`${source.secretKey}\n`);
      const measure = await add(bufferStream(data), SECRET_KEY_ENTRY, data.length);
      secretKey = { path: SECRET_KEY_ENTRY, bytes: measure.bytes, sha256: measure.hash.digest("hex") };
    }
    const archived = new Set(entries.map((e) => e.path));
    const manifest: BackupManifest = {
      format: "destek-backup",
      formatVersion: 1,
      ...source.manifest,
      createdAt: new Date().toISOString(),
      database,
      files: { count: entries.length, bytes, encrypted, missing: source.referencedKeys.filter((key) => !archived.has(key)).sort(), entries },
      secretKey,
    };
    zip.addBuffer(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), MANIFEST, { mode: 0o100600 });
    zip.end();
    await written;
    await rename(partial, path);
    return manifest;
  } finally {
    const output = zip.outputStream as Readable;
    if (!output.readableEnded) output.destroy();
    await written.catch(() => undefined);
    await rm(partial, { force: true });
  }
}

function bufferStream(data: Buffer): Readable {
  const stream = new PassThrough();
  stream.end(data);
  return stream;
}

/** Thrown for an archive that is not a destek backup, or is damaged: the message is for the operator. */
export class BackupArchiveError extends Error {}

/** An opened backup: its checked manifest, and its entries to extract. */
export interface OpenedBackup {
  manifest: BackupManifest;
  /** Streams the entry into `target`, proving its size and SHA-256 against the manifest first. */
  extract(file: ArchivedFile, entryName: string, target: string): Promise<void>;
  close(): void;
}

const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;

/** Opens a backup archive and reads its manifest; nothing is written. */
export async function openBackupArchive(path: string): Promise<OpenedBackup> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false }, (error, opened) => (error ? reject(error) : resolve(opened)));
  }).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "EACCES" || code === "EISDIR") throw new BackupArchiveError(`cannot read ${path}: ${(error as Error).message}`);
    throw new BackupArchiveError(`${path} is not a destek backup (not a readable zip: ${(error as Error).message})`);
  });
  try {
    const entries = new Map<string, yauzl.Entry>();
    await new Promise<void>((resolve, reject) => {
      zip.on("entry", (entry: yauzl.Entry) => {
        entries.set(entry.fileName, entry);
        zip.readEntry();
      });
      zip.once("end", () => resolve());
      zip.once("error", reject);
      zip.readEntry();
    });
    const manifestEntry = entries.get(MANIFEST);
    if (!manifestEntry) throw new BackupArchiveError(`${path} is not a destek backup (it has no ${MANIFEST})`);
    if (manifestEntry.uncompressedSize > MAX_MANIFEST_BYTES) throw new BackupArchiveError(`${path}: ${MANIFEST} is too large`);
    const parts: Buffer[] = [];
    for await (const part of await zip.openReadStreamPromise(manifestEntry)) parts.push(part as Buffer);
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.concat(parts).toString("utf8"));
    } catch {
      throw new BackupArchiveError(`${path}: ${MANIFEST} is not valid JSON`);
    }
    const checked = manifestSchema.safeParse(parsed);
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      throw new BackupArchiveError(`${path}: ${MANIFEST} is not one this destek understands (${issue.path.join(".") || "manifest"}: ${issue.message})`);
    }
    const manifest = checked.data;
    for (const file of manifest.files.entries) {
      if (!isSafeRelativePath(file.path)) throw new BackupArchiveError(`${path}: the manifest names an unsafe file path ${JSON.stringify(file.path)}`);
    }
    return {
      manifest,
      async extract(file, entryName, target) {
        const entry = entries.get(entryName);
        if (!entry) throw new BackupArchiveError(`${path} lacks ${entryName}, which its manifest lists: the archive is incomplete`);
        await mkdir(dirname(target), { recursive: true });
        const partial = `${target}.partial`;
        const measure = new Measure();
        try {
          await pipeline(await zip.openReadStreamPromise(entry), measure, createWriteStream(partial, { mode: 0o600 }));
          const sha256 = measure.hash.digest("hex");
          if (measure.bytes !== file.bytes || sha256 !== file.sha256) {
            throw new BackupArchiveError(`${entryName} in ${path} does not match its manifest (damaged archive): ${measure.bytes} bytes, expected ${file.bytes}`);
          }
          await rename(partial, target);
        } catch (error) {
          await rm(partial, { force: true });
          if (error instanceof BackupArchiveError) throw error;
          throw new BackupArchiveError(`could not restore ${entryName} from ${path}: ${(error as Error).message}`);
        }
      },
      close: () => zip.close(),
    };
  } catch (error) {
    zip.close();
    throw error;
  }
}

/** The archive entry of a stored file. */
export const fileEntryName = (file: ArchivedFile) => FILES_PREFIX + file.path;
