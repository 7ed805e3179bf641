import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHUNK_BYTES, createEncryptedStorage } from "../../../src/adapters/storage/encryptedStorage.ts";
import { createLocalStorage } from "../../../src/adapters/storage/localStorage.ts";
import { BucketProblem, bucketProblem, createS3Storage, type S3Storage } from "../../../src/adapters/storage/s3Storage.ts";
import type { S3Config } from "../../../src/config.ts";
import { ServiceOutage } from "../../../src/domain/outage.ts";
import { OutageLog } from "../../../src/adapters/outages.ts";
import type { BlobStorage } from "../../../src/domain/chat/storage.ts";
import { deriveKeys } from "../../../src/secrets.ts";
import { startS3Server, type TestS3Server } from "../../support/s3Server.ts";

async function bytesOf(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

let counter = 0;
const newKey = (ext = ".bin") => `files/${randomBytes(12).toString("hex")}${counter++}${ext}`;

const keys = deriveKeys("a-master-secret-of-at-least-32-characters!");
const oldKeys = deriveKeys("an-earlier-master-secret-of-32-characters-or-more");

const silent = pino({ level: "silent" });

// A real S3-protocol server for the S3 subjects, started once for the file.
let s3: TestS3Server;
const s3Clients: S3Storage[] = [];
const s3Storage = () => {
  const storage = createS3Storage(s3.config, new OutageLog(silent));
  s3Clients.push(storage);
  return storage;
};
beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(async () => {
  for (const client of s3Clients) client.close();
  await s3.stop();
});

interface Subject {
  name: string;
  /** `root` is a fresh directory: the local directory's files, and where tests write a finished recording. */
  make(root: string): BlobStorage;
}

const encrypted = (inner: BlobStorage, encryptWrites: boolean) => createEncryptedStorage(inner, { current: keys.files, previous: [] }, { encryptWrites });

// Every storage destek can be configured with passes the same contract.
const SUBJECTS: Subject[] = [
  { name: "local directory", make: (root) => createLocalStorage(root) },
  { name: "local directory, ENCRYPT_FILES=true", make: (root) => encrypted(createLocalStorage(root), true) },
  { name: "local directory, ENCRYPT_FILES=false", make: (root) => encrypted(createLocalStorage(root), false) },
  { name: "S3 (s3rver)", make: () => s3Storage() },
  { name: "S3 (s3rver), ENCRYPT_FILES=true", make: () => encrypted(s3Storage(), true) },
  { name: "S3 (s3rver), ENCRYPT_FILES=false", make: () => encrypted(s3Storage(), false) },
];

describe.each(SUBJECTS)("blob storage contract: $name", ({ make }) => {
  let root: string;
  let storage: BlobStorage;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "destek-storage-"));
    storage = make(root);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  // Sizes around the chunk boundaries of the encrypted layout, and the empty file.
  it.each([0, 1, 17, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES + 123])("stores and returns %i bytes with their size", async (length) => {
    const key = newKey();
    const data = randomBytes(length);
    await storage.put(key, data);
    expect(await storage.size(key)).toBe(length);
    expect((await bytesOf(await storage.read(key))).equals(data)).toBe(true);
  });

  it("reads any byte range, within a chunk and across chunk boundaries", async () => {
    const key = newKey();
    const data = randomBytes(3 * CHUNK_BYTES + 500);
    await storage.put(key, data);
    const ranges: [number, number][] = [
      [0, 0],
      [2, 5],
      [CHUNK_BYTES - 3, CHUNK_BYTES + 3],
      [CHUNK_BYTES, 2 * CHUNK_BYTES - 1],
      [10, 3 * CHUNK_BYTES + 10],
      [data.length - 1, data.length - 1],
      [0, data.length - 1],
    ];
    for (const [start, end] of ranges) {
      const part = await bytesOf(await storage.read(key, { start, end }));
      expect(part.equals(data.subarray(start, end + 1)), `range ${start}-${end}`).toBe(true);
    }
  });

  it("takes over a finished file, streaming, and removes the source", async () => {
    const source = join(root, `recording-${counter++}.webm`);
    const data = randomBytes(2 * CHUNK_BYTES + 77);
    await writeFile(source, data);
    const key = newKey(".webm");
    await storage.putFile(key, source);
    await expect(readFile(source)).rejects.toMatchObject({ code: "ENOENT" });
    expect(await storage.size(key)).toBe(data.length);
    expect((await bytesOf(await storage.read(key, { start: 100, end: CHUNK_BYTES + 100 }))).equals(data.subarray(100, CHUNK_BYTES + 101))).toBe(true);
  });

  it("deletes, and a missing blob is ENOENT (the download routes answer 404 on it)", async () => {
    const key = newKey();
    await storage.put(key, Buffer.from("short-lived"));
    await storage.delete(key);
    await storage.delete(key);
    await expect(storage.size(key)).rejects.toMatchObject({ code: "ENOENT" });
    // What the routes, the export and Telegram forwarding get for a blob that was never stored.
    await expect(storage.size(newKey())).rejects.toMatchObject({ code: "ENOENT" });
    await expect((async () => bytesOf(await storage.read(newKey())))()).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("refuses keys it did not make", async () => {
    await expect(storage.put("../escape.txt", Buffer.from("x"))).rejects.toThrow(/invalid storage key/);
  });
});

describe("ENCRYPT_FILES: what is on the disk", () => {
  let root: string;
  const plainStorage = () => createLocalStorage(root);
  const encrypted = (previous: Buffer[] = []) => createEncryptedStorage(createLocalStorage(root), { current: keys.files, previous }, { encryptWrites: true });

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "destek-encrypted-"));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function onDisk(key: string): Promise<Buffer> {
    return readFile(join(root, key));
  }

  it("keeps no plain text on disk, and two copies of one file differ", async () => {
    const secret = Buffer.from("Kartımın numarası 4111 1111 1111 1111, şifrem gizli.\n".repeat(5000));
    const [a, b] = [newKey(".txt"), newKey(".txt")];
    await encrypted().put(a, secret);
    await encrypted().put(b, secret);
    const stored = await onDisk(a);
    expect(stored.includes(Buffer.from("4111 1111"))).toBe(false);
    expect(stored.subarray(0, 8).toString()).toBe("DSTKENC1");
    expect(stored.equals(await onDisk(b))).toBe(false);
  });

  it("fails to read a tampered or truncated file instead of serving altered bytes", async () => {
    const key = newKey();
    await encrypted().put(key, randomBytes(2 * CHUNK_BYTES + 10));
    const stored = await onDisk(key);
    const flipped = Buffer.from(stored);
    flipped[stored.length - 40] = (flipped[stored.length - 40] ?? 0) ^ 1;
    await writeFile(join(root, key), flipped);
    await expect(bytesOf(await encrypted().read(key))).rejects.toThrow(/authenticate/);
    // Dropping the last chunk leaves a file that looks whole but was cut: its new last chunk was not sealed as last.
    await writeFile(join(root, key), stored.subarray(0, 24 + 2 * (CHUNK_BYTES + 16)));
    await expect(bytesOf(await encrypted().read(key))).rejects.toThrow(/authenticate/);
  });

  it("reads files written before encryption was turned on, and files of a previous key after a rotation", async () => {
    const legacy = newKey(".txt");
    await plainStorage().put(legacy, Buffer.from("written before ENCRYPT_FILES"));
    expect((await bytesOf(await encrypted().read(legacy))).toString()).toBe("written before ENCRYPT_FILES");

    const old = newKey(".txt");
    await createEncryptedStorage(createLocalStorage(root), { current: oldKeys.files, previous: [] }, { encryptWrites: true }).put(old, Buffer.from("under the old key"));
    expect((await bytesOf(await encrypted([oldKeys.files]).read(old))).toString()).toBe("under the old key");
  });

  it("serves a plain upload that merely starts like an encrypted file as it was uploaded", async () => {
    const key = newKey(".bin");
    const crafted = Buffer.concat([Buffer.from("DSTKENC1"), randomBytes(200)]);
    await plainStorage().put(key, crafted);
    expect((await bytesOf(await encrypted().read(key))).equals(crafted)).toBe(true);
    expect(await encrypted().size(key)).toBe(crafted.length);
  });

  it("leaves no temporary file behind after taking over a recording", async () => {
    const dir = await mkdtemp(join(root, "rec-"));
    const source = join(dir, "leg.webm");
    await writeFile(source, randomBytes(1000));
    await encrypted().putFile(newKey(".webm"), source);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe("S3: the bucket check and an unreachable service", () => {
  const closedPort = async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return port;
  };
  const storageWith = (settings: Partial<S3Config>) => {
    const storage = createS3Storage({ ...s3.config, ...settings }, new OutageLog(silent));
    s3Clients.push(storage);
    return storage;
  };

  it("finds the bucket, and says which setting is wrong when it is missing or refuses the keys", async () => {
    await expect(s3Storage().check()).resolves.toBeUndefined();
    const missing = storageWith({ bucket: "no-such-bucket" }).check();
    await expect(missing).rejects.toBeInstanceOf(BucketProblem);
    await expect(missing).rejects.toMatchObject({ refused: true, message: expect.stringMatching(/bucket "no-such-bucket" at http:\/\/127\.0\.0\.1:\d+ does not exist \(S3_BUCKET/) });
    // s3rver knows one key id (S3RVER) and does not verify V4 signatures: an unknown key id is its refusal.
    const wrongKeys = storageWith({ credentials: { accessKeyId: "AKIDUNKNOWN", secretAccessKey: "not-the-secret" } }).check();
    await expect(wrongKeys).rejects.toMatchObject({ refused: true, message: expect.stringMatching(/refuses these credentials \(S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY\)/) });
  });

  it("turns an unreachable service into a 503-style outage, logged once, and a check that says so without calling it a refusal", async () => {
    const lines: string[] = [];
    const log = pino({ level: "error" }, { write: (line: string) => lines.push(line) });
    const storage = createS3Storage({ ...s3.config, endpoint: `http://127.0.0.1:${await closedPort()}` }, new OutageLog(log));
    s3Clients.push(storage);
    await expect(storage.put(newKey(), Buffer.from("x"))).rejects.toMatchObject({ name: "ServiceOutage", id: "unavailable", dependency: "storage" });
    await expect(storage.size(newKey())).rejects.toBeInstanceOf(ServiceOutage);
    expect(lines.filter((line) => line.includes("storage unavailable"))).toHaveLength(1);
    await expect(storage.check()).rejects.toMatchObject({ refused: false, message: expect.stringMatching(/cannot be reached/) });
  });
});

describe("S3: addressing a self-hosted service", () => {
  it("hints at S3_FORCE_PATH_STYLE when the bucket's host name does not resolve", () => {
    // What the SDK throws when virtual-hosted addressing asks DNS for <bucket>.<endpoint host>.
    const dns = Object.assign(new Error("getaddrinfo ENOTFOUND destek-test.minio"), { code: "ENOTFOUND" });
    const where = 'bucket "destek-test" at http://minio:9000';
    const selfHosted = { ...s3.config, endpoint: "http://minio:9000" };
    expect(bucketProblem(dns, where, { ...selfHosted, forcePathStyle: false })).toBe(
      'bucket "destek-test" at http://minio:9000 cannot be reached (getaddrinfo ENOTFOUND destek-test.minio); a self-hosted service usually needs S3_FORCE_PATH_STYLE=true',
    );
    expect(bucketProblem(dns, where, { ...selfHosted, forcePathStyle: true })).toBe('bucket "destek-test" at http://minio:9000 cannot be reached (getaddrinfo ENOTFOUND destek-test.minio)');
  });
});
