import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { afterAll, describe, expect, it } from "vitest";
import { ZipFile } from "yazl";
import {
  BackupArchiveError,
  type BackupManifest,
  DATABASE_ENTRY,
  fileEntryName,
  MANIFEST,
  openBackupArchive,
  writeBackupArchive,
} from "../../src/adapters/backup/backupArchive.ts";

const root = mkdtempSync(join(tmpdir(), "destek-archive-"));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

const header = { destekVersion: "0.1.0", engine: "sqlite" as const, migration: "0002_b", migrations: ["0001_a", "0002_b"], keyCheck: "0123456789abcdef" };

/** A zip with `manifest` and the given entries, as a hand-edited (or damaged) backup would be. */
async function zipOf(path: string, manifest: unknown, entries: Record<string, Buffer>): Promise<void> {
  const zip = new ZipFile();
  const done = pipeline(zip.outputStream, createWriteStream(path));
  for (const [name, data] of Object.entries(entries)) zip.addBuffer(data, name);
  zip.addBuffer(Buffer.from(JSON.stringify(manifest)), MANIFEST);
  zip.end();
  await done;
}

describe("the backup archive", () => {
  const files = join(root, "files");
  const stored = {
    "attachments/AAAAAAAAAAAAAAAAAAAAAAAA.txt": Buffer.from("Merhaba, siparişim nerede?\n"),
    "recordings/BBBBBBBBBBBBBBBBBBBBBBBB.webm": randomBytes(700_000),
    "attachments/CCCCCCCCCCCCCCCCCCCCCCCC.bin": Buffer.concat([Buffer.from("DSTKENC1"), randomBytes(5000)]),
  };
  const database = randomBytes(64 * 1024);
  const archive = join(root, "backup.zip");
  let manifest: BackupManifest;

  it("holds the database, every stored file (not writes under way) and a manifest that lists them", async () => {
    for (const [key, data] of Object.entries(stored)) {
      mkdirSync(join(files, key, ".."), { recursive: true });
      writeFileSync(join(files, key), data);
    }
    writeFileSync(join(files, "attachments/DDDDDDDDDDDDDDDDDDDDDDDD.txt.partial"), "half");
    writeFileSync(join(root, "db.sqlite"), database);
    manifest = await writeBackupArchive(
      { databaseFile: join(root, "db.sqlite"), filesDir: files, referencedKeys: [...Object.keys(stored), "attachments/gone.txt"], secretKey: undefined, manifest: header },
      archive,
    );
    expect(existsSync(`${archive}.partial`)).toBe(false);
    expect(manifest).toMatchObject({ ...header, format: "destek-backup", formatVersion: 1, secretKey: null, database: { path: DATABASE_ENTRY, bytes: database.length } });
    expect(manifest.files).toMatchObject({ count: 3, bytes: 700_000 + 5008 + stored["attachments/AAAAAAAAAAAAAAAAAAAAAAAA.txt"].length, encrypted: 1, missing: ["attachments/gone.txt"] });
    expect(manifest.files.entries.map((e) => e.path).sort()).toEqual(Object.keys(stored).sort());
  });

  it("fails, rather than waits, when the archive cannot be written", async () => {
    const blocked = join(root, "blocked.zip");
    mkdirSync(`${blocked}.partial`); // writing the archive fails at once, as on a full or read-only disk
    await expect(
      writeBackupArchive({ databaseFile: join(root, "db.sqlite"), filesDir: files, referencedKeys: [], secretKey: undefined, manifest: header }, blocked),
    ).rejects.toThrow(/EISDIR/);
    expect(existsSync(blocked)).toBe(false);
  });

  it("gives every entry back byte for byte, proven against the manifest", async () => {
    const opened = await openBackupArchive(archive);
    try {
      expect(opened.manifest).toEqual(manifest);
      const out = join(root, "restored");
      for (const file of opened.manifest.files.entries) await opened.extract(file, fileEntryName(file), join(out, file.path));
      await opened.extract(opened.manifest.database!, DATABASE_ENTRY, join(out, "db.sqlite"));
      for (const [key, data] of Object.entries(stored)) expect(readFileSync(join(out, key)).equals(data), key).toBe(true);
      expect(readFileSync(join(out, "db.sqlite")).equals(database)).toBe(true);
    } finally {
      opened.close();
    }
  });

  it("refuses an entry that differs from its manifest, leaving nothing in its place", async () => {
    const damaged = join(root, "damaged.zip");
    const [first] = manifest.files.entries;
    const data = Buffer.from(stored[first!.path as keyof typeof stored]);
    data[0] = data[0]! ^ 0xff;
    await zipOf(damaged, manifest, { [fileEntryName(first!)]: data });
    const opened = await openBackupArchive(damaged);
    try {
      const target = join(root, "damaged", first!.path);
      await expect(opened.extract(first!, fileEntryName(first!), target)).rejects.toThrow(/does not match its manifest/);
      expect(existsSync(target)).toBe(false);
      expect(existsSync(`${target}.partial`)).toBe(false);
      await expect(opened.extract(manifest.database!, DATABASE_ENTRY, join(root, "damaged", "db"))).rejects.toThrow(/lacks database\/destek\.sqlite/);
    } finally {
      opened.close();
    }
  });

  it("refuses what is not a destek backup, and paths that would leave DATA_DIR", async () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ["no-manifest.zip", undefined, /has no manifest\.json/],
      ["other.zip", { format: "something-else" }, /not one this destek understands \(format/],
      ["escape.zip", { ...manifest, files: { ...manifest.files, entries: [{ path: "../../etc/cron.d/x", bytes: 1, sha256: "0".repeat(64) }] } }, /unsafe file path/],
      ["no-database.zip", { ...manifest, database: null }, /a SQLite backup holds its database/],
    ];
    for (const [name, content, expected] of cases) {
      const path = join(root, name);
      if (content === undefined) {
        const zip = new ZipFile();
        const done = pipeline(zip.outputStream, createWriteStream(path));
        zip.addBuffer(Buffer.from("x"), "readme.txt");
        zip.end();
        await done;
      } else await zipOf(path, content, {});
      await expect(openBackupArchive(path), name).rejects.toThrow(expected);
      await expect(openBackupArchive(path)).rejects.toBeInstanceOf(BackupArchiveError);
    }
    writeFileSync(join(root, "text.zip"), "not a zip at all");
    await expect(openBackupArchive(join(root, "text.zip"))).rejects.toThrow(/is not a destek backup \(not a readable zip/);
  });
});
