import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../src/adapters/db/database.ts";
import { loadConfig } from "../src/config.ts";
import { closeDeps, createDeps } from "../src/deps.ts";
import { OutageLog } from "../src/adapters/outages.ts";
import { createS3Storage } from "../src/adapters/storage/s3Storage.ts";
import { type CliResult, killAllDestek, runCli } from "./support/process.ts";
import { startS3Server, type TestS3Server } from "./support/s3Server.ts";

async function bytesOf(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

// What an operator does after turning ENCRYPT_FILES on, and when rotating SECRET_KEY: one command
// brings every stored file under the current key, and the server reads them all before and after.
describe("destek files reencrypt", () => {
  let dataDir: string;
  const OLD_SECRET = "the-first-secret-key-of-this-shop-0123456789";
  const NEW_SECRET = "the-rotated-secret-key-of-this-shop-9876543210";
  const destek = (args: string[], env: Record<string, string>): Promise<CliResult> =>
    runCli(args, { DATA_DIR: dataDir, LOG_LEVEL: "silent", ...env }, "", 90_000);
  const files = [
    { key: `attachments/${randomBytes(12).toString("hex")}.txt`, data: Buffer.from("Fatura adresim: Kadıköy, İstanbul\n".repeat(4000)) },
    { key: `attachments/${randomBytes(12).toString("hex")}.webm`, data: randomBytes(150_000) },
  ];
  const onDisk = (key: string) => readFileSync(join(dataDir, "files", key));

  /** Reads every file as a server with this environment would. */
  async function readAll(env: Record<string, string>): Promise<Buffer[]> {
    const deps = createDeps(loadConfig({ DATA_DIR: dataDir, ...env }), { log: pino({ level: "silent" }) });
    try {
      return await Promise.all(files.map(async (f) => bytesOf(await deps.domain.storage.read(f.key))));
    } finally {
      await closeDeps(deps);
    }
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "destek-files-cli-"));
    expect((await destek(["migrate"], { SECRET_KEY: OLD_SECRET })).code).toBe(0);
    // Stored before encryption was turned on: plain files, a text file and a voice note.
    const deps = createDeps(loadConfig({ DATA_DIR: dataDir, SECRET_KEY: OLD_SECRET }), { log: pino({ level: "silent" }) });
    const db = openDatabase({ kind: "sqlite", file: join(dataDir, "destek.sqlite") });
    try {
      for (const f of files) await deps.domain.storage.put(f.key, f.data);
      const now = Date.now();
      for (const [index, f] of files.entries()) {
        await db.db.insertInto("attachments").values({
          id: randomUUID(), conversation_id: null, message_id: null, kind: index ? "voice" : "file", mime: index ? "audio/webm" : "text/plain", size: f.data.length,
          storage_key: f.key, file_name: index ? "voice.webm" : "address.txt", width: null, height: null, duration_ms: null, uploaded_by: "visitor:x", created_at: now,
        }).execute();
      }
    } finally {
      await db.close();
      await closeDeps(deps);
    }
  }, 120_000);
  afterEach(async () => {
    await killAllDestek();
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("refuses to run without ENCRYPT_FILES, saying why", async () => {
    const result = await destek(["files", "reencrypt"], { SECRET_KEY: OLD_SECRET });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("files reencrypt needs ENCRYPT_FILES=true");
    expect(onDisk(files[0]!.key).equals(files[0]!.data)).toBe(true);
  }, 200_000);

  it("encrypts the files stored before ENCRYPT_FILES, once", async () => {
    const first = await destek(["files", "reencrypt"], { SECRET_KEY: OLD_SECRET, ENCRYPT_FILES: "true" });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("Re-encrypted 2 file(s); 0 already under the current key; 0 missing; 0 failed.");
    for (const f of files) expect(onDisk(f.key).subarray(0, 8).toString()).toBe("DSTKENC1");
    expect(onDisk(files[0]!.key).includes(Buffer.from("Kadıköy"))).toBe(false);
    expect((await readAll({ SECRET_KEY: OLD_SECRET, ENCRYPT_FILES: "true" })).map((b, i) => b.equals(files[i]!.data))).toEqual([true, true]);

    const again = await destek(["files", "reencrypt"], { SECRET_KEY: OLD_SECRET, ENCRYPT_FILES: "true" });
    expect(again.stdout).toContain("Re-encrypted 0 file(s); 2 already under the current key");
  }, 200_000);

  it("moves every file to a rotated SECRET_KEY, after which the old secret is no longer needed", async () => {
    const rotated = { SECRET_KEY: NEW_SECRET, PREVIOUS_SECRET_KEYS: OLD_SECRET, ENCRYPT_FILES: "true" };
    // Between the rotation and the command, the old key still opens them.
    expect((await readAll(rotated)).map((b, i) => b.equals(files[i]!.data))).toEqual([true, true]);
    const result = await destek(["files", "reencrypt"], rotated);
    expect(result.stdout).toContain("Re-encrypted 2 file(s)");
    expect((await readAll({ SECRET_KEY: NEW_SECRET, ENCRYPT_FILES: "true" })).map((b, i) => b.equals(files[i]!.data))).toEqual([true, true]);
  }, 200_000);
});

// The same command on STORAGE=s3: it reads, re-encrypts and rewrites through the bucket, not a directory.
describe("destek files reencrypt on STORAGE=s3", () => {
  let dataDir: string;
  let s3: TestS3Server;
  const SECRET = "the-secret-key-of-a-shop-on-object-storage-0123";
  const files = [
    { key: `attachments/${randomBytes(12).toString("hex")}.txt`, data: Buffer.from("Fatura adresim: Kadıköy, İstanbul\n".repeat(4000)) },
    { key: `attachments/${randomBytes(12).toString("hex")}.webm`, data: randomBytes(150_000) },
  ];
  const env = (extra: Record<string, string> = {}) => ({ DATA_DIR: dataDir, SECRET_KEY: SECRET, ...s3.env, ...extra });
  /** The bytes as the bucket holds them. */
  const inBucket = async (key: string) => {
    const storage = createS3Storage(s3.config, new OutageLog(pino({ level: "silent" })));
    try {
      return await bytesOf(await storage.read(key));
    } finally {
      storage.close();
    }
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "destek-files-cli-s3-"));
    s3 = await startS3Server();
    expect((await runCli(["migrate"], { ...env(), LOG_LEVEL: "silent" }, "", 90_000)).code).toBe(0);
    const deps = createDeps(loadConfig(env()), { log: pino({ level: "silent" }) });
    try {
      const now = Date.now();
      await deps.domain.storage.put(files[0]!.key, files[0]!.data);
      await deps.domain.db.insertInto("attachments").values({
        id: randomUUID(), conversation_id: null, message_id: null, kind: "file", mime: "text/plain", size: files[0]!.data.length,
        storage_key: files[0]!.key, file_name: "address.txt", width: null, height: null, duration_ms: null, uploaded_by: "visitor:x", created_at: now,
      }).execute();
      // A row whose object is gone from the bucket: counted as missing, not a failure.
      await deps.domain.db.insertInto("attachments").values({
        id: randomUUID(), conversation_id: null, message_id: null, kind: "file", mime: "video/webm", size: files[1]!.data.length,
        storage_key: files[1]!.key, file_name: "lost.webm", width: null, height: null, duration_ms: null, uploaded_by: "visitor:x", created_at: now,
      }).execute();
    } finally {
      await closeDeps(deps);
    }
  }, 120_000);
  afterEach(async () => {
    await killAllDestek();
  });
  afterAll(async () => {
    await s3.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("encrypts the objects stored before ENCRYPT_FILES, and counts a missing one", async () => {
    expect((await inBucket(files[0]!.key)).equals(files[0]!.data)).toBe(true);
    const result = await runCli(["files", "reencrypt"], { ...env({ ENCRYPT_FILES: "true" }), LOG_LEVEL: "silent" }, "", 90_000);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Re-encrypted 1 file(s); 0 already under the current key; 1 missing; 0 failed.");
    const stored = await inBucket(files[0]!.key);
    expect(stored.subarray(0, 8).toString()).toBe("DSTKENC1");
    expect(stored.includes(Buffer.from("Kadıköy"))).toBe(false);
    const deps = createDeps(loadConfig(env({ ENCRYPT_FILES: "true" })), { log: pino({ level: "silent" }) });
    try {
      expect((await bytesOf(await deps.domain.storage.read(files[0]!.key))).equals(files[0]!.data)).toBe(true);
    } finally {
      await closeDeps(deps);
    }
  }, 200_000);
});
